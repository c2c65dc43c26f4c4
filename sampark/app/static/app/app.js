/* The volunteer app's only script: service worker, share, copy, forms answered in place (the
   forwarded form, group cards), a report's answer asked for again, push. */
(function () {
  "use strict";
  var script = document.currentScript;
  var swUrl = script && script.dataset.sw;
  var scope = script && script.dataset.scope;

  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  function register() {
    if (!("serviceWorker" in navigator) || !swUrl) return Promise.resolve(null);
    return navigator.serviceWorker.register(swUrl, { scope: scope }).catch(function () { return null; });
  }

  // Share: the image file with the text when the phone can (Android share sheet → WhatsApp),
  // otherwise the wa.me link itself, which opens the volunteer's own WhatsApp.
  function share(event) {
    var link = event.currentTarget;
    var fileUrl = link.dataset.shareFile;
    if (!fileUrl || !navigator.canShare || !window.File) return;
    event.preventDefault();
    fetch(fileUrl, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.blob(); })
      .then(function (blob) {
        var file = new File([blob], link.dataset.shareName || "kit", { type: link.dataset.shareType || blob.type });
        var data = { text: link.dataset.shareText, files: [file] };
        if (!navigator.canShare(data)) throw new Error("cannot share files");
        return navigator.share(data);
      })
      .catch(function (err) {
        if (err && err.name === "AbortError") return; // the volunteer closed the share sheet
        window.location.href = link.href;
      });
  }

  function copy(event) {
    var button = event.currentTarget;
    var text = button.dataset.copy || "";
    var label = button.textContent;
    var done = function () {
      button.textContent = button.dataset.done || label;
      setTimeout(function () { button.textContent = label; }, 2000);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text); done(); });
    } else {
      fallbackCopy(text);
      done();
    }
  }

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } catch (e) { /* nothing more to try */ }
    document.body.removeChild(area);
  }

  function step(event) {
    var input = event.currentTarget.parentNode.querySelector("input");
    var n = (parseInt(input.value, 10) || 0) + parseInt(event.currentTarget.dataset.step, 10);
    input.value = Math.max(+input.min || 1, Math.min(+input.max || 50, n));
  }

  // A form with data-swap (the forwarded form, a group card's forms) answers with the new state
  // of its target (HX-Request asks for the fragment); without JavaScript it is an ordinary POST
  // and redirect.
  function submitInPlace(event) {
    var form = event.currentTarget;
    if (!window.fetch) return;
    event.preventDefault();
    var button = form.querySelector("[type=submit]");
    if (button) button.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "HX-Request": "true", "X-CSRFToken": csrf() }
    })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var target = document.querySelector(form.dataset.swap);
        target.outerHTML = html;
        bind(document.querySelector(form.dataset.swap));
      })
      .catch(function () { form.submit(); });
  }

  // An element with data-poll (a report waiting for its answer) is fetched again as a fragment
  // every data-every ms until the server's fragment no longer asks for it.
  function poll(el) {
    var every = parseInt(el.dataset.every, 10) || 3000;
    setTimeout(function () {
      if (!document.body.contains(el)) return;
      if (document.hidden) { poll(el); return; }
      fetch(el.dataset.poll, { credentials: "same-origin", headers: { "HX-Request": "true" } })
        .then(function (r) {
          if (r.status >= 400 && r.status < 500) return null; // gone: stop asking
          if (!r.ok) throw new Error(r.status);
          return r.text();
        })
        .then(function (html) {
          if (html === null) return;
          var box = document.createElement("div");
          box.innerHTML = html.trim();
          var fresh = box.firstElementChild;
          if (!fresh) return;
          el.replaceWith(fresh);
          bind(fresh);
        })
        .catch(function () { poll(el); }); // no signal for a moment: try again later
    }, every);
  }

  // The chosen photo's name beside our own "choose a photo" button.
  function fileChosen(event) {
    var input = event.currentTarget;
    var label = input.parentNode.querySelector("[data-file-name]");
    if (label && input.files && input.files.length) label.textContent = input.files[0].name;
  }

  function keyBytes(base64) {
    var padded = (base64 + "===".slice((base64.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }

  function pushOn(event) {
    var button = event.currentTarget;
    var status = document.getElementById("push-status");
    var say = function (text) { if (status) status.textContent = text; };
    if (!("serviceWorker" in navigator) || !("PushManager" in window) || !window.Notification) {
      say(button.dataset.fail);
      return;
    }
    button.disabled = true;
    Notification.requestPermission()
      .then(function (permission) {
        if (permission !== "granted") throw new Error("denied");
        return register().then(function () { return navigator.serviceWorker.ready; });
      })
      .then(function (reg) {
        return reg.pushManager.getSubscription().then(function (existing) {
          return existing || reg.pushManager.subscribe({
            userVisibleOnly: true,
            applicationServerKey: keyBytes(button.dataset.key)
          });
        });
      })
      .then(function (subscription) {
        return fetch(button.dataset.url, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
          body: JSON.stringify(subscription)
        });
      })
      .then(function (r) {
        if (!r.ok) throw new Error(r.status);
        say(button.dataset.ok);
        button.hidden = true;
      })
      .catch(function (err) {
        button.disabled = false;
        say(err && err.message === "denied" ? button.dataset.denied : button.dataset.fail);
      });
  }

  // Pages of this volunteer stay on the phone for offline use; not after logging out.
  function forgetPages() {
    if (window.caches) caches.delete("sampark-pages-v1");
  }

  function on(root, selector, type, handler) {
    root.querySelectorAll(selector).forEach(function (el) { el.addEventListener(type, handler); });
  }

  function bind(root) {
    if (!root) return;
    if (root.matches && root.matches("[data-poll]")) poll(root);
    root.querySelectorAll("[data-poll]").forEach(poll);
    on(root, "[data-share-text]", "click", share);
    on(root, "[data-copy]", "click", copy);
    on(root, "[data-step]", "click", step);
    on(root, "form[data-swap]", "submit", submitInPlace);
    on(root, "#push-on", "click", pushOn);
    on(root, "input.file-input", "change", fileChosen);
    on(root, "form.logout", "submit", forgetPages);
  }

  bind(document);
  window.addEventListener("load", register);
})();
