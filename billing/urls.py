from django.urls import path

from billing import views

app_name = "billing"

urlpatterns = [
    path("pricing/", views.pricing, name="pricing"),
    path("billing/checkout/", views.checkout, name="checkout"),
    path("billing/success/", views.checkout_success, name="success"),
    path("billing/cancel/", views.checkout_cancel, name="cancel"),
    path("account/billing/", views.account_billing, name="account"),
    path("account/billing/portal/", views.portal, name="portal"),
]
