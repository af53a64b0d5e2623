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

  // A code block or table wider than its box scrolls sideways: make it reachable and scrollable by
  // keyboard (and named), but only while it does scroll, so it is no useless tab stop on a wide screen.
  // A table is named after its caption or its section's heading, so that two are told apart.
  function tableName(box) {
    var title = box.querySelector("caption") || (box.closest("section") || box.parentNode).querySelector("h1, h2, h3");
    var name = title ? title.textContent.trim() : "";
    return name ? name + ": table, scrolls sideways" : "Table, scrolls sideways";
  }
  var SCROLL_BOXES = {
    pre: { role: "group", name: function () { return "Code, scrolls sideways"; } },
    ".table-wrap": { role: "region", name: tableName },
    ".hotspot-scroll": { role: "region", name: function () { return "Diagram, scrolls sideways"; } },
  };
  function markScrollingBoxes(scope) {
    Object.keys(SCROLL_BOXES).forEach(function (selector) {
      var kind = SCROLL_BOXES[selector];
      (scope || document).querySelectorAll(selector).forEach(function (box) {
        if (box.scrollWidth > box.clientWidth + 1) {
          if (box.hasAttribute("tabindex")) return;
          box.setAttribute("tabindex", "0");
          box.setAttribute("role", kind.role);
          box.setAttribute("aria-label", kind.name(box));
          box.setAttribute("data-scroll-tabstop", "");
        } else if (box.hasAttribute("data-scroll-tabstop")) {
          ["tabindex", "role", "aria-label", "data-scroll-tabstop"].forEach(function (name) { box.removeAttribute(name); });
        }
      });
    });
  }
  var resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () { markScrollingBoxes(); }, 150);
  });
  document.addEventListener("htmx:afterSettle", function (event) { markScrollingBoxes(event.target); });

  // A form that comes back with errors: move focus to the first field in error (its error is
  // tied to it with aria-describedby), or to the form's error summary when no field is named.
  function focusFirstError() {
    var field = document.querySelector("main form [aria-invalid='true']");
    var summary = document.querySelector("main [data-error-summary]");
    var target = field || summary;
    if (!target) return;
    if (target === summary && !summary.hasAttribute("tabindex")) summary.setAttribute("tabindex", "-1");
    target.focus();
  }

  document.addEventListener("DOMContentLoaded", function () {
    applyTheme(root.dataset.theme || "auto");
    markScrollingBoxes();
    focusFirstError();
  });
})();
