/* Behaviour that used to sit in inline attributes, so the pages work under a
 * Content-Security-Policy without 'unsafe-inline' or 'unsafe-eval' (issue #12):
 *   data-w="40" / data-h="40"     a bar's width / height in percent
 *   data-confirm="Question?"      a form (or its button) asks before it is sent
 *   data-autosubmit               a <select> sends its form when changed
 *   data-poll-visible             an hx-trigger="every Ns" poll skips hidden tabs
 * htmx runs with allowEval off (see base.html), so no hx-on or [filter] expressions.
 */
(function () {
  "use strict";

  function sizes(root) {
    if (!root || !root.querySelectorAll) return;
    root.querySelectorAll("[data-w]").forEach(function (el) { el.style.width = el.dataset.w + "%"; });
    root.querySelectorAll("[data-h]").forEach(function (el) { el.style.height = el.dataset.h + "%"; });
  }

  sizes(document);
  document.addEventListener("htmx:load", function (e) { sizes(e.detail.elt); });

  document.addEventListener("submit", function (e) {
    var form = e.target;
    var button = e.submitter;
    var question = (button && button.dataset.confirm) || form.dataset.confirm;
    if (question && !window.confirm(question)) e.preventDefault();
  }, true);

  document.addEventListener("change", function (e) {
    var el = e.target;
    if (el.matches && el.matches("select[data-autosubmit]") && el.form) el.form.submit();
  });

  document.addEventListener("htmx:confirm", function (e) {
    var el = e.detail.elt;
    if (el && el.hasAttribute("data-poll-visible") && document.visibilityState !== "visible") {
      e.preventDefault();
    }
  });
})();
