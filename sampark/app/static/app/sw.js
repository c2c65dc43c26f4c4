/* The volunteer app's service worker (served by /app/sw.js, which prepends self.SAMPARK:
   {version, shell, offline, scope, static, icon}).
   Pages: network first, the last copy when offline, else the offline page.
   Static files: cache first (the shell and the font are cached at install). */
"use strict";
var CONF = self.SAMPARK;
var SHELL_CACHE = "sampark-shell-" + CONF.version;
var PAGE_CACHE = "sampark-pages-v1";
var PAGE_LIMIT = 60;

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL_CACHE)
      .then(function (cache) { return cache.addAll(CONF.shell.concat([CONF.offline])); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys()
      .then(function (keys) {
        return Promise.all(keys.filter(function (key) {
          return key.indexOf("sampark-shell-") === 0 && key !== SHELL_CACHE;
        }).map(function (key) { return caches.delete(key); }));
      })
      .then(function () { return self.clients.claim(); })
  );
});

function trim(cache) {
  return cache.keys().then(function (keys) {
    if (keys.length <= PAGE_LIMIT) return null;
    return Promise.all(keys.slice(0, keys.length - PAGE_LIMIT).map(function (k) { return cache.delete(k); }));
  });
}

function networkFirst(request) {
  return fetch(request)
    .then(function (response) {
      // Keep good pages only (not a redirect to the login page, not an error).
      if (response.ok && !response.redirected && response.type === "basic") {
        var copy = response.clone();
        caches.open(PAGE_CACHE).then(function (cache) {
          return cache.put(request, copy).then(function () { return trim(cache); });
        });
      }
      return response;
    })
    .catch(function () {
      return caches.match(request).then(function (hit) {
        return hit || caches.match(CONF.offline);
      });
    });
}

function cacheFirst(request) {
  return caches.match(request).then(function (hit) {
    if (hit) return hit;
    return fetch(request).then(function (response) {
      if (response.ok && response.type === "basic") {
        var copy = response.clone();
        caches.open(SHELL_CACHE).then(function (cache) { return cache.put(request, copy); });
      }
      return response;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf(CONF.static) === 0) {
    event.respondWith(cacheFirst(request));
    return;
  }
  if (url.pathname.indexOf(CONF.scope) !== 0) return;
  // Kit images (small resized copies) never change: cache first. Videos stream from the network.
  if (/\/media\/\d+\/$/.test(url.pathname) && url.searchParams.has("size")) {
    event.respondWith(cacheFirst(request));
  } else if (request.mode === "navigate") {
    event.respondWith(networkFirst(request));
  }
});

self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = { body: event.data.text() }; }
  var title = data.title || "संपर्क";
  event.waitUntil(self.registration.showNotification(title, {
    body: data.body || "",
    tag: data.tag || undefined,
    icon: CONF.icon,
    badge: CONF.icon,
    lang: "hi",
    data: { url: data.url || CONF.scope }
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var target = (event.notification.data && event.notification.data.url) || CONF.scope;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (list) {
      for (var i = 0; i < list.length; i++) {
        if (list[i].url === target && "focus" in list[i]) return list[i].focus();
      }
      return self.clients.openWindow(target);
    })
  );
});
