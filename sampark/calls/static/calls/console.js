/* The agent's console (issue #15), without inline script so it runs under the CSP:
 *  - shows only the script steps the answers lead to (branching), in order;
 *  - restores what was typed: the server's autosaved draft first, then the browser's copy
 *    (kept on every keystroke, so a dropped network loses nothing), cleared once saved;
 *  - Ctrl+Enter saves the call; keys 1–9 pick an option of the question in focus.
 */
(function () {
  "use strict";
  var form = document.getElementById("call-form");
  if (!form) return;
  var key = form.dataset.draftKey;
  var steps = Array.prototype.slice.call(form.querySelectorAll("fieldset.step"));

  function fields() {
    var out = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken") return;
      if (el.type === "radio" || el.type === "checkbox") {
        if (!out[el.name]) out[el.name] = [];
        if (el.checked) out[el.name].push(el.value);
      } else {
        out[el.name] = el.value;
      }
    });
    return out;
  }

  function restore(values) {
    Object.keys(values || {}).forEach(function (name) {
      var value = values[name];
      form.querySelectorAll('[name="' + name + '"]').forEach(function (el) {
        if (el.type === "radio" || el.type === "checkbox") {
          el.checked = Array.isArray(value) ? value.indexOf(el.value) >= 0 : el.value === value;
        } else if (!el.value) {
          el.value = Array.isArray(value) ? value.join(",") : value;
        }
      });
    });
  }

  function fromDraft(draft) {
    var out = {};
    var answers = (draft && draft.answers) || {};
    Object.keys(answers).forEach(function (k) { out["q-" + k] = answers[k]; });
    ["note", "disposition", "callback_at"].forEach(function (k) { if (draft && draft[k]) out[k] = draft[k]; });
    return out;
  }

  function answered(step) {
    var checked = step.querySelector("input:checked");
    if (checked) return checked;
    var input = step.querySelector("input[type=number], input[type=text]");
    return input && input.value ? input : null;
  }

  function walk() {
    var byKey = {};
    steps.forEach(function (s) { byKey[s.dataset.step] = s; s.hidden = true; });
    var step = steps[0];
    var seen = {};
    while (step && !seen[step.dataset.step]) {
      seen[step.dataset.step] = true;
      step.hidden = false;
      var answer = answered(step);
      if (!answer && step.dataset.kind !== "info") break;
      var next = (answer && answer.dataset.next) || step.dataset.next;
      step = next ? byKey[next] : null;
    }
  }

  var server = document.getElementById("call-draft");
  restore(fromDraft(server ? JSON.parse(server.textContent) : {}));
  try { restore(JSON.parse(window.localStorage.getItem(key) || "{}")); } catch (e) { /* private mode */ }
  walk();

  form.addEventListener("input", function () {
    walk();
    try { window.localStorage.setItem(key, JSON.stringify(fields())); } catch (e) { /* full */ }
  });
  form.addEventListener("change", walk);
  form.addEventListener("submit", function () {
    try { window.localStorage.removeItem(key); } catch (e) { /* ignore */ }
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      if (form.reportValidity()) form.requestSubmit();
      return;
    }
    var step = document.activeElement && document.activeElement.closest && document.activeElement.closest("fieldset.step");
    if (step && /^[1-9]$/.test(e.key) && document.activeElement.type !== "text" && document.activeElement.type !== "number") {
      var options = step.querySelectorAll("input[type=radio], input[type=checkbox]");
      var option = options[Number(e.key) - 1];
      if (option) { e.preventDefault(); option.click(); option.focus(); }
    }
  });
})();
