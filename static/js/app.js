// PingToPass site-wide behaviour. No inline scripts: everything hangs off data attributes.
(function () {
  "use strict";
  var root = document.documentElement;
  var THEMES = ["auto", "light", "dark"];
  var LABELS = { auto: "Theme: match device", light: "Theme: light", dark: "Theme: dark" };

  // Anonymous visitors keep their theme in localStorage; signed-in users have it on their account.
  if (root.dataset.authenticated !== "1") {
    var stored = localStorage.getItem("ptp-theme");
    if (THEMES.indexOf(stored) >= 0) root.dataset.theme = stored;
  }

  function csrfToken() {
    var headers = document.body.getAttribute("hx-headers");
    try { return JSON.parse(headers)["x-csrftoken"]; } catch (e) { return ""; }
  }

  function applyTheme(theme) {
    root.dataset.theme = theme;
    localStorage.setItem("ptp-theme", theme);
    document.querySelectorAll("[data-theme-toggle]").forEach(function (button) {
      var next = THEMES[(THEMES.indexOf(theme) + 1) % THEMES.length];
      button.value = next;
      button.setAttribute("aria-label", LABELS[theme] + " (switch)");
      button.setAttribute("title", LABELS[theme]);
      button.dataset.current = theme;
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-theme-toggle]");
    if (!button) return;
    event.preventDefault();
    var next = THEMES[(THEMES.indexOf(root.dataset.theme || "auto") + 1) % THEMES.length];
    applyTheme(next);
    if (root.dataset.authenticated === "1") {
      var body = new URLSearchParams({ theme: next });
      fetch(button.form.action, {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true" },
      });
    }
  });

  // Close an open <details> menu when clicking elsewhere or pressing Escape.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("details.menu[open], details.popover[open]").forEach(function (menu) {
      menu.removeAttribute("open");
      var summary = menu.querySelector("summary");
      if (summary) summary.focus();
    });
  });

  document.addEventListener("DOMContentLoaded", function () { applyTheme(root.dataset.theme || "auto"); });
})();
