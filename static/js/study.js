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

  // Said once through the page's polite live region (question.html): the question shown after a
  // swap, time warnings. Cleared first so the same words are said again.
  function announce(text) {
    var region = document.querySelector("[data-announce]");
    if (!region) return;
    region.textContent = "";
    setTimeout(function () { region.textContent = text; }, 50);
  }

  function shortcutsOn() { return !document.querySelector("[data-shortcuts-off]"); }

  function typingInField(target) {
    var tag = (target.tagName || "").toLowerCase();
    return tag === "textarea" || tag === "select" || (tag === "input" && !/^(radio|checkbox)$/.test(target.type)) || target.isContentEditable;
  }

  function go(which) {
    var link = document.querySelector('#session-main [data-nav="' + which + '"]');
    if (link) link.click();
  }

  // Strike out a choice (Shift + its letter, or its button): kept on the server for the item.
  function strikeChoice(n) {
    var buttons = document.querySelectorAll("#session-main [data-strike]");
    if (buttons[n]) buttons[n].click();
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
    if (typingInField(event.target) || !shortcutsOn()) return;
    var key = event.key;
    if (key === "?") {
      var help = document.querySelector("[data-shortcuts]");
      if (help) { help.hidden = false; help.open = !help.open; event.preventDefault(); }
      return;
    }
    if (/^[1-8]$/.test(key)) { pickChoice(parseInt(key, 10) - 1); event.preventDefault(); return; }
    var lower = key.toLowerCase();
    // Choices run A to H, so N, P and M (mark) are free for moving and flagging.
    if (/^[a-h]$/.test(lower)) {
      if (event.shiftKey) strikeChoice(lower.charCodeAt(0) - 97); else pickChoice(lower.charCodeAt(0) - 97);
      event.preventDefault();
      return;
    }
    if (lower === "n") { go("next"); event.preventDefault(); return; }
    if (lower === "p") { go("prev"); event.preventDefault(); return; }
    if (lower === "m") {
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

  // Strike-out buttons: sent on their own (the server keeps them for the item), so nothing picked
  // on the card is submitted or lost; without script they are buttons of the answer form.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("#session-main [data-strike]");
    if (!button) return;
    event.preventDefault();
    event.stopPropagation();
    var form = button.form;
    var token = form && form.querySelector("[name=csrfmiddlewaretoken]");
    var body = new URLSearchParams({ strike: button.value });
    fetch(button.getAttribute("formaction"), {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": token ? token.value : "", "X-Strike-Only": "1" },
    }).then(function (response) {
      if (response.status !== 204) throw new Error(String(response.status));
      var struck = button.getAttribute("aria-pressed") !== "true";
      button.setAttribute("aria-pressed", struck ? "true" : "false");
      button.closest(".choice-row").classList.toggle("is-struck", struck);
      var letter = button.closest(".choice-row").querySelector(".choice-letter");
      announce("Choice " + (letter ? letter.textContent : "") + (struck ? " struck out." : " brought back."));
    }).catch(function () { showFault(faultNotice(UNKNOWN_FAULT)); });
  }, true);

  // Flag where it is not a button of the answer form (practice, a finished answer): sent on its own,
  // like a strike-out, and only the button and the heading's badge change, so a choice picked but
  // not yet submitted stays picked (and unsaved: with instant feedback an answer is final).
  // A refusal (the session ended meanwhile) posts the form as it would without script, for the
  // server's page that says why.
  var flagSending = false;
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("#session-main form[data-flag-alone] [data-flag]");
    if (!button) return;
    event.preventDefault();
    event.stopPropagation();
    if (flagSending) return;  // a double click sends one flag, not a flag and an unflag
    var form = button.form;
    var wanted = form.querySelector("[name=flagged]");
    var token = form.querySelector("[name=csrfmiddlewaretoken]");
    flagSending = true;
    fetch(form.getAttribute("action"), {
      method: "POST", body: new URLSearchParams({ flagged: wanted.value }), credentials: "same-origin",
      headers: { "X-CSRFToken": token ? token.value : "", "X-Flag-Only": "1" },
    }).then(function (response) {
      flagSending = false;
      if (response.status >= 500) throw new Error(String(response.status));
      if (response.status !== 204) { form.submit(); return; }
      var flagged = wanted.value === "1";
      wanted.value = flagged ? "0" : "1";
      button.setAttribute("aria-pressed", flagged ? "true" : "false");
      button.textContent = flagged ? "⚑ Unflag" : "⚐ Flag for review";
      showFlagged(flagged);
      announce(flagged ? "Flagged for review." : "Flag removed.");
    }).catch(function () {
      flagSending = false;
      showFault(faultNotice(UNKNOWN_FAULT));
    });
  }, true);

  // The heading's badge and the grid's cell for this question, as the server draws them (card.jinja).
  function showFlagged(flagged) {
    var heading = document.querySelector("#session-main .question-card > .spread");
    var badge = heading && heading.querySelector(".badge-warn");
    if (flagged && heading && !badge) {
      badge = document.createElement("span");
      badge.className = "badge badge-warn";
      badge.textContent = "⚑ Flagged";
      heading.appendChild(badge);
    } else if (!flagged && badge) {
      badge.remove();
    }
    var cell = document.querySelector("#session-main .question-grid .grid-cell.is-current");
    if (cell) {
      cell.classList.toggle("is-flagged", flagged);
      cell.setAttribute("aria-label", cell.getAttribute("aria-label").replace(/, flagged$/, "") + (flagged ? ", flagged" : ""));
    }
  }

  // Focus mode: leaving an exam simulation asks first (the clock keeps running meanwhile).
  document.addEventListener("click", function (event) {
    var leave = event.target.closest && event.target.closest("[data-leave-exam]");
    if (leave && !window.confirm("Leave the exam? Its clock keeps running; you can come back to it from My sessions.")) {
      event.preventDefault();
    }
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

  // After a new question is swapped in, reset the clock, name the page after it, say so and move
  // focus to its heading.
  function cardShown() {
    var position = main() && main().dataset.position;
    if (position !== window.__ptpPosition) {
      shownAt = Date.now();
      window.__ptpPosition = position;
      if (main().dataset.title) {
        document.title = main().dataset.title;
        announce(main().dataset.title.split(" · ")[0]);
      }
    }
    var title = document.getElementById("question-title");
    if (title) title.focus({ preventScroll: false });
    initOrdering();
    scrollTerminals();
  }
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "session-main") cardShown();
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

  // Countdown. The server enforces the deadline; at zero we reload so it can submit. Ten, five
  // and one minute before, the time left is said once each (the timer itself is not read out).
  var WARNINGS = [
    { at: 600, text: "10 minutes left." },
    { at: 300, text: "5 minutes left." },
    { at: 60, text: "1 minute left. Unanswered questions count as wrong." },
  ];
  function initTimer() {
    var timer = document.querySelector("[data-timer]");
    if (!timer) return;
    var initialLeft = parseInt(timer.dataset.secondsLeft, 10);
    var end = Date.now() + initialLeft * 1000;
    var warned = {};
    var text = timer.querySelector("[data-timer-text]");
    function tick() {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      var h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
      text.textContent = (h ? h + ":" + String(m).padStart(2, "0") : m) + ":" + String(s).padStart(2, "0");
      timer.classList.toggle("is-low", left <= 300 && left > 60);
      timer.classList.toggle("is-critical", left <= 60);
      WARNINGS.forEach(function (warning) {
        if (left <= warning.at && left > 0 && !warned[warning.at]) {
          warned[warning.at] = true;
          if (initialLeft > warning.at) announce(warning.text);  // not for a page opened already past it
        }
      });
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
        if (dragged) {
          dragged.classList.remove("dragging");
          var steps = Array.prototype.slice.call(list.querySelectorAll("[data-step]"));
          announce("Moved to position " + (steps.indexOf(dragged) + 1) + " of " + steps.length + ".");
        }
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
        announce("Moved to position " + (target + 1) + " of " + steps.length + ".");
      });
    });
  }

  // Hotspot (templates/questions/hotspot_input.jinja): a label is dragged onto a zone, or tapped
  // and then its zone tapped (phones); either sets that zone's list box, which is the answer the
  // form sends and what the keyboard uses. Choosing the spot: a tap on a zone picks it.
  function hotspotOf(node) { return node.closest && node.closest("[data-hotspot]"); }
  function zoneText(hotspot, index) {
    var select = hotspot.querySelector('[data-zone-select="' + index + '"]');
    var text = hotspot.querySelector('[data-zone-text="' + index + '"]');
    var label = select && select.value !== "" ? select.options[select.selectedIndex].text.replace(/ \(reusable\)$/, "") : "";
    if (text) text.textContent = (Number(index) + 1) + (label ? ": " + label : "");
    text.parentNode.classList.toggle("is-filled", !!label);
    showZone(text.parentNode);
  }
  // A diagram wider than a phone scrolls sideways in its box: bring a zone just filled from its list
  // into view there (only sideways: the page stays where the learner is).
  function showZone(zone) {
    var box = zone.closest(".hotspot-scroll");
    if (!box || box.scrollWidth <= box.clientWidth) return;
    var shown = box.getBoundingClientRect();
    var area = zone.getBoundingClientRect();
    box.scrollLeft += (area.left + area.width / 2) - (shown.left + shown.width / 2);
  }
  function placeToken(hotspot, zone, token) {
    var select = hotspot.querySelector('[data-zone-select="' + zone + '"]');
    if (!select) return;
    select.value = token;
    select.dispatchEvent(new Event("change", { bubbles: true }));
    announce("Placed " + select.options[select.selectedIndex].text + " on zone " + (Number(zone) + 1) + ".");
  }
  document.addEventListener("dragstart", function (event) {
    var token = event.target.closest && event.target.closest("[data-token]");
    if (token) event.dataTransfer.setData("text/plain", token.dataset.token);
  });
  document.addEventListener("dragover", function (event) {
    if (event.target.closest && event.target.closest("[data-hotspot] [data-zone]")) event.preventDefault();
  });
  document.addEventListener("drop", function (event) {
    var zone = event.target.closest && event.target.closest("[data-hotspot] [data-zone]");
    if (!zone) return;
    event.preventDefault();
    placeToken(hotspotOf(zone), zone.dataset.zone, event.dataTransfer.getData("text/plain"));
  });
  document.addEventListener("click", function (event) {
    var token = event.target.closest && event.target.closest("[data-hotspot] [data-token]");
    if (token) {
      var armed = token.classList.contains("is-armed");
      hotspotOf(token).querySelectorAll("[data-token]").forEach(function (t) { t.classList.remove("is-armed"); });
      if (!armed) token.classList.add("is-armed");
      return;
    }
    var zone = event.target.closest && event.target.closest("[data-hotspot] [data-zone]");
    if (!zone) return;
    var hotspot = hotspotOf(zone);
    if (hotspot.hasAttribute("data-choose-spot")) {
      var radio = hotspot.querySelector('input[name="spot"][value="' + zone.dataset.zone + '"]');
      if (radio) { radio.checked = true; radio.dispatchEvent(new Event("change", { bubbles: true })); }
      return;
    }
    var picked = hotspot.querySelector("[data-token].is-armed");
    if (picked) {
      placeToken(hotspot, zone.dataset.zone, picked.dataset.token);
      picked.classList.remove("is-armed");
    } else {
      var select = hotspot.querySelector('[data-zone-select="' + zone.dataset.zone + '"]');
      if (select) select.focus();
    }
  });
  document.addEventListener("change", function (event) {
    var hotspot = hotspotOf(event.target);
    if (!hotspot) return;
    if (event.target.dataset.zoneSelect !== undefined) zoneText(hotspot, event.target.dataset.zoneSelect);
    if (event.target.name === "spot") {
      hotspot.querySelectorAll("[data-zone]").forEach(function (zone) {
        zone.classList.toggle("is-filled", zone.dataset.zone === event.target.value);
      });
      hotspot.querySelectorAll("label.choice").forEach(function (label) {
        label.classList.toggle("is-picked", label.querySelector("input").checked);
      });
    }
  });

  // CLI lab (templates/questions/cli_input.jinja): Enter (or Run) sends the line to its device and
  // empties the input at once, so the next line can be typed while the device answers; lines typed
  // meanwhile wait their turn, in order. "?" asks for help at once, as IOS does, and the reply
  // types the line again. Up and Down walk back through the lines typed this visit. The reply
  // (cli_reply.jinja) is appended to the terminal; its new prompt replaces the old one, and the
  // input it carries only lends its type (a password is not echoed) and the refill, so nothing
  // typed ahead is lost and the focus stays. Without JavaScript, Run posts the form to the lab.
  var cliHistory = {};
  var cliQueue = {};
  function cliSend(device) {
    var queue = cliQueue[device];
    var run = document.querySelector('[data-cli-run="' + device + '"]');
    if (queue.busy || !queue.lines.length || !run) return;
    queue.busy = true;
    var values = { device: device };
    values["line-" + device] = queue.lines.shift();
    function next() { queue.busy = false; cliSend(device); }
    htmx.ajax("POST", run.getAttribute("formaction"), {
      source: run, target: "#term-log-" + device, swap: "beforeend", values: values,
    }).then(next, next);
  }
  function cliRun(input, line) {
    var device = input.dataset.cliLine;
    var queue = cliQueue[device] = cliQueue[device] || { lines: [], busy: false };
    queue.lines.push(line);
    input.value = "";
    cliSend(device);
  }
  document.addEventListener("keydown", function (event) {
    var input = event.target.closest && event.target.closest("[data-cli-line]");
    if (!input || !window.htmx || event.ctrlKey || event.metaKey || event.altKey) return;
    var device = input.dataset.cliLine;
    var history = cliHistory[device] = cliHistory[device] || { lines: [], at: 0 };
    if (event.key === "Enter") {
      event.preventDefault();
      if (input.type !== "password" && input.value.trim()) { history.lines.push(input.value); }
      history.at = history.lines.length;
      cliRun(input, input.value);
    } else if (event.key === "?" && input.type !== "password") {
      event.preventDefault();
      cliRun(input, input.value.slice(0, input.selectionStart) + "?");
    } else if (event.key === "ArrowUp" || event.key === "ArrowDown") {
      if (!history.lines.length) return;
      event.preventDefault();
      history.at = Math.max(0, Math.min(history.lines.length, history.at + (event.key === "ArrowUp" ? -1 : 1)));
      input.value = history.lines[history.at] || "";
    }
  });
  document.addEventListener("click", function (event) {
    var run = event.target.closest && event.target.closest("[data-cli-run]");
    var input = run && document.getElementById("cli-line-" + run.dataset.cliRun);
    if (!input || !window.htmx) return;
    event.preventDefault();
    cliRun(input, input.value);
  });
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    var input = event.detail.target;
    if (!input.matches || !input.matches("[data-cli-line]")) return;
    event.detail.shouldSwap = false;
    var sent = event.detail.fragment.querySelector("[data-cli-line]");
    var queue = cliQueue[input.dataset.cliLine];
    input.type = sent.type;
    if (sent.value && !input.value && !(queue && queue.lines.length)) input.value = sent.value;
  });
  // A line the server refuses (the terminal closed, the plan's limit reached) says why in the terminal.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var log = event.detail.target;
    if (log && log.id && log.id.indexOf("term-log-") === 0 && event.detail.xhr.status === 409) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  // A reply is no new card: caught before the card's own afterSwap handler (which moves focus to
  // the question's heading) sees it. The input gets the focus back after Run or Reset, but never
  // from something else the learner moved to meanwhile.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target || !target.closest || !target.closest("[data-cli]")) return;
    event.stopPropagation();
    if (target.id.indexOf("term-log-") !== 0) return;
    target.scrollTop = target.scrollHeight;
    var input = document.getElementById("cli-line-" + target.id.slice("term-log-".length));
    var here = document.activeElement;
    if (input && (!here || here === document.body || here.closest(".cli-device") === input.closest(".cli-device"))) {
      input.focus();
      input.setSelectionRange(input.value.length, input.value.length);
    }
  }, true);
  function scrollTerminals() {
    document.querySelectorAll(".terminal").forEach(function (log) { log.scrollTop = log.scrollHeight; });
  }

  document.addEventListener("DOMContentLoaded", function () {
    window.__ptpPosition = main() && main().dataset.position;
    initTimer();
    initOrdering();
    scrollTerminals();
  });
})();
