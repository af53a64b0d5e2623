// Study session pages: keyboard shortcuts, countdown, time per question, drag-and-drop ordering.
// Everything here is an enhancement: the forms and links work without it.
(function () {
  "use strict";

  if (window.htmx) {
    // Swap validation errors (422) like successes so the learner sees the message in the card.
    htmx.config.responseHandling = [
      { code: "204", swap: false },
      { code: "[23]..", swap: true },
      { code: "422", swap: true },
      { code: "429", swap: true },
      { code: "[45]..", swap: false, error: true },
    ];
    // Back/forward always shows the server's current state (answers may have changed since).
    htmx.config.historyCacheSize = 0;
    htmx.config.refreshOnHistoryMiss = true;
  }

  var shownAt = Date.now();

  function main() { return document.getElementById("session-main"); }

  function typingInField(target) {
    var tag = (target.tagName || "").toLowerCase();
    return tag === "textarea" || tag === "select" || (tag === "input" && !/^(radio|checkbox)$/.test(target.type)) || target.isContentEditable;
  }

  function go(which) {
    var link = document.querySelector('#session-main [data-nav="' + which + '"]');
    if (link) link.click();
  }

  function pickChoice(n) {
    var inputs = document.querySelectorAll('#answer-form input[name="choice"]');
    var input = inputs[n];
    if (!input) return;
    if (input.type === "checkbox") input.checked = !input.checked; else input.checked = true;
    input.focus();
  }

  document.addEventListener("keydown", function (event) {
    if (!main() || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "Enter" && event.target.tagName === "SELECT" && event.target.closest("#answer-form")) {
      event.preventDefault();
      document.getElementById("answer-form").requestSubmit();
      return;
    }
    if (typingInField(event.target)) return;
    var key = event.key;
    if (key === "?") {
      var help = document.querySelector("[data-shortcuts]");
      if (help) { help.hidden = false; help.open = !help.open; event.preventDefault(); }
      return;
    }
    if (/^[1-9]$/.test(key)) { pickChoice(parseInt(key, 10) - 1); event.preventDefault(); return; }
    var lower = key.toLowerCase();
    if (/^[a-e]$/.test(lower)) { pickChoice(lower.charCodeAt(0) - 97); event.preventDefault(); return; }
    if (lower === "n") { go("next"); event.preventDefault(); return; }
    if (lower === "p") { go("prev"); event.preventDefault(); return; }
    if (lower === "f") {
      var flag = document.querySelector("#session-main [data-flag]");
      if (flag) { flag.click(); event.preventDefault(); }
      return;
    }
    if (key === "Enter") {
      var form = document.getElementById("answer-form");
      var tag = (event.target.tagName || "").toLowerCase();
      if (form && tag !== "button" && tag !== "a" && tag !== "summary") {
        event.preventDefault();
        form.requestSubmit();
      }
    }
  });

  // A moved ordering step counts as an answer when the learner navigates away (see _answer_given).
  function markTouched(form) {
    var touched = form && form.querySelector("[data-touched]");
    if (touched) touched.value = "1";
  }
  document.addEventListener("change", function (event) {
    if (event.target.closest && event.target.closest("#answer-form")) markTouched(event.target.closest("#answer-form"));
  });
  // Typing a step's position counts even when it is the one shown: the learner has confirmed
  // the order, which no "change" event reports when the shuffle already put it right.
  document.addEventListener("keydown", function (event) {
    var select = event.target.closest && event.target.closest("#answer-form [data-position-select]");
    if (select && /^[0-9]$/.test(event.key)) markTouched(select.closest("#answer-form"));
  });

  // Links outside the card (the header's "Review & submit") save the card on the way too, like
  // the buttons inside it; without JavaScript they are plain links.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-save-first]");
    var form = document.querySelector("#answer-form[data-saves-on-nav]");
    if (!link || !form) return;
    event.preventDefault();
    var go = document.createElement("input");
    go.type = "hidden"; go.name = "go"; go.value = link.dataset.saveFirst;
    form.appendChild(go);
    form.requestSubmit();
  });

  // Seconds spent on this question, sent with the answer.
  document.addEventListener("submit", function (event) {
    var elapsed = event.target.querySelector("[data-elapsed]");
    if (elapsed) elapsed.value = ((Date.now() - shownAt) / 1000).toFixed(1);
  }, true);
  document.addEventListener("htmx:configRequest", function (event) {
    var elapsed = event.detail.elt && event.detail.elt.querySelector && event.detail.elt.querySelector("[data-elapsed]");
    if (elapsed) event.detail.parameters.elapsed = ((Date.now() - shownAt) / 1000).toFixed(1);
  });

  // After a new question is swapped in, reset the clock and move focus to its heading.
  function cardShown() {
    var position = main() && main().dataset.position;
    if (position !== window.__ptpPosition) { shownAt = Date.now(); window.__ptpPosition = position; }
    var title = document.getElementById("question-title");
    if (title) title.focus({ preventScroll: false });
    initOrdering();
  }
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "session-main" || main()) cardShown();
  });

  // A request the server could not complete (5xx) or that got no answer at all leaves the card as
  // it was, with what the learner picked, and says so on it. The server's own notice (a 503 when
  // the database failed, pingtopass/faults.py) says whether what was sent was saved; for any other
  // failure nobody here knows, and the notice says that.
  var UNKNOWN_FAULT = "Something went wrong on our side, so this may not have been saved. " +
    "What you picked is still on the page: try again in a moment.";
  var NO_REPLY = "We could not reach PingToPass, so this may not have been saved. " +
    "What you picked is still on the page: try again when you are back online.";

  function faultNotice(text) {
    var notice = document.createElement("div");
    notice.className = "alert alert-error";
    notice.setAttribute("role", "alert");
    notice.setAttribute("data-fault-notice", "");
    notice.textContent = text;
    return notice;
  }

  function showFault(notice) {
    var card = document.querySelector("#session-main .question-card");
    if (!card) return;
    var shown = card.querySelector("[data-fault-notice]");
    if (shown) shown.remove();
    var heading = card.querySelector(".spread");
    if (heading) heading.after(notice); else card.prepend(notice);
  }

  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    if (xhr.status < 500) return;
    var sent = new DOMParser().parseFromString(xhr.responseText || "", "text/html").querySelector("[data-fault-notice]");
    showFault(sent ? document.importNode(sent, true) : faultNotice(UNKNOWN_FAULT));
  });
  document.addEventListener("htmx:sendError", function () { showFault(faultNotice(NO_REPLY)); });

  // With instant feedback the answered card carries the next question (<template id="next-card">):
  // Next shows it at once instead of asking the server for it. The server has already drawn it,
  // and answering moved the session's resume point to it; back and forward reload from the
  // server as they always do.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest('#session-main a[data-nav="next"]');
    var upcoming = document.getElementById("next-card");
    if (!link || !upcoming || !window.htmx || upcoming.dataset.url !== link.getAttribute("href")) return;
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;  // a new tab
    event.preventDefault();
    event.stopPropagation();
    main().outerHTML = upcoming.innerHTML;
    htmx.process(main());
    history.pushState({ htmx: true }, "", link.getAttribute("href"));
    cardShown();
  }, true);

  // Countdown. The server enforces the deadline; at zero we reload so it can submit.
  function initTimer() {
    var timer = document.querySelector("[data-timer]");
    if (!timer) return;
    var end = Date.now() + parseInt(timer.dataset.secondsLeft, 10) * 1000;
    var text = timer.querySelector("[data-timer-text]");
    function tick() {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      var h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
      text.textContent = (h ? h + ":" + String(m).padStart(2, "0") : m) + ":" + String(s).padStart(2, "0");
      timer.classList.toggle("is-low", left <= 300 && left > 60);
      timer.classList.toggle("is-critical", left <= 60);
      if (left <= 0) { window.location.reload(); return; }
      setTimeout(tick, 1000);
    }
    tick();
  }

  // Ordering: drag a step to move it; the position lists are the keyboard alternative and stay
  // in sync either way.
  function renumber(list) {
    list.querySelectorAll("[data-step]").forEach(function (step, i) {
      step.querySelector("[data-position-select]").value = String(i + 1);
    });
  }

  function initOrdering() {
    document.querySelectorAll("[data-ordering]").forEach(function (list) {
      if (list.dataset.ready) return;
      list.dataset.ready = "1";
      var dragged = null;
      list.addEventListener("dragstart", function (e) {
        dragged = e.target.closest("[data-step]");
        if (dragged) { dragged.classList.add("dragging"); e.dataTransfer.effectAllowed = "move"; }
      });
      list.addEventListener("dragend", function () {
        if (dragged) dragged.classList.remove("dragging");
        dragged = null;
        renumber(list);
        markTouched(list.closest("#answer-form"));
      });
      list.addEventListener("dragover", function (e) {
        if (!dragged) return;
        e.preventDefault();
        var over = e.target.closest("[data-step]");
        if (!over || over === dragged) return;
        var rect = over.getBoundingClientRect();
        var after = e.clientY > rect.top + rect.height / 2;
        list.insertBefore(dragged, after ? over.nextSibling : over);
      });
      list.addEventListener("change", function (e) {
        var select = e.target.closest("[data-position-select]");
        if (!select) return;
        var step = select.closest("[data-step]");
        var steps = Array.prototype.slice.call(list.querySelectorAll("[data-step]"));
        var target = Math.min(Math.max(parseInt(select.value, 10) - 1, 0), steps.length - 1);
        steps.splice(steps.indexOf(step), 1);
        steps.splice(target, 0, step);
        steps.forEach(function (s) { list.appendChild(s); });
        renumber(list);
        select.focus();
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    window.__ptpPosition = main() && main().dataset.position;
    initTimer();
    initOrdering();
  });
})();
