// iHome's one way to call the JSON API: CSRF header, JSON body, the envelope unwrapped.
// Every page module uses window.ihome.api(); errors carry errno, message and per-field messages.
(function () {
  "use strict";

  function cookie(name) {
    var match = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]) : null;
  }

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return cookie("csrf_token") || (meta && meta.content) || "";
  }

  function ApiError(status, body) {
    this.status = status;
    this.errno = body && body.errno;
    this.message = (body && body.errmsg) || ("HTTP " + status);
    this.fields = (body && body.data && body.data.fields) || {};
    this.retryAfter = null;
  }

  function api(method, path, body) {
    var headers = { "Accept": "application/json", "X-CSRFToken": csrfToken() };
    var options = { method: method, headers: headers, credentials: "same-origin" };
    if (body instanceof FormData) {
      options.body = body;
    } else if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch("/api/v1.0" + path, options).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (json) {
        if (!response.ok || !json || json.errno !== "0") {
          var error = new ApiError(response.status, json);
          error.retryAfter = response.headers.get("Retry-After");
          throw error;
        }
        return json.data;
      });
    }, function () {
      throw new ApiError(0, { errno: "network", errmsg: document.documentElement.lang === "en"
        ? "Network error, please check your connection" : "网络错误，请检查网络连接" });
    });
  }

  // Upload with progress (fetch has no upload progress): onProgress gets 0..100.
  function upload(path, formData, onProgress) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open("POST", "/api/v1.0" + path);
      xhr.setRequestHeader("X-CSRFToken", csrfToken());
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.onprogress = function (e) { if (e.lengthComputable && onProgress) onProgress(Math.round(e.loaded * 100 / e.total)); };
      xhr.onload = function () {
        var json = null;
        try { json = JSON.parse(xhr.responseText); } catch (ignored) { json = null; }
        if (xhr.status >= 200 && xhr.status < 300 && json && json.errno === "0") resolve(json.data);
        else reject(new ApiError(xhr.status, json));
      };
      xhr.onerror = function () { reject(new ApiError(0, null)); };
      xhr.send(formData);
    });
  }

  function flash(message, isError) {
    var box = document.getElementById("flash");
    if (!box) return;
    box.textContent = message;
    box.className = "flash" + (isError ? " error" : "");
    box.hidden = false;
  }

  function clearErrorFlash() {
    var box = document.getElementById("flash");
    if (box && box.classList.contains("error")) box.hidden = true;
  }

  // The one way to show (or, with an empty message, clear) a field's error: the text goes in the field's
  // .error slot (or `slot`), which the input names in aria-describedby; the input is aria-invalid while it
  // holds an error, so a screen reader reads the message with the field.
  var slotCount = 0;
  function fieldError(input, message, slot) {
    var field = input.closest(".field");
    slot = slot || (field && field.querySelector(".error"));
    if (!slot) return false;
    if (!slot.id) slot.id = (input.id || input.name || "field") + "-error-" + (++slotCount);
    var described = (input.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (id) {
      return id && id !== slot.id;
    });
    slot.textContent = message || "";
    if (message) {
      described.push(slot.id);
      input.setAttribute("aria-invalid", "true");
    } else {
      input.removeAttribute("aria-invalid");
    }
    if (described.length) input.setAttribute("aria-describedby", described.join(" "));
    else input.removeAttribute("aria-describedby");
    if (field) field.classList.toggle("invalid", !!message);
    return !!message;
  }

  // Show an ApiError in a form: per-field messages next to inputs named like the fields, the rest on top.
  function showErrors(form, error) {
    form.querySelectorAll("[aria-invalid]").forEach(function (input) { fieldError(input, ""); });
    form.querySelectorAll(".field").forEach(function (f) { f.classList.remove("invalid"); });
    form.querySelectorAll(".field .error").forEach(function (e) { e.textContent = ""; });
    var shown = false;
    Object.keys(error.fields || {}).forEach(function (name) {
      // the control the field names: a visible input, or a widget standing for a hidden one (data-field)
      var input = form.querySelector('[data-field="' + name + '"], [name="' + name + '"]:not([type=hidden])') ||
        form.querySelector('[name="' + name + '"]');
      if (input && fieldError(input, error.fields[name].join(" "))) shown = true;
    });
    if (error.message) flash(error.message, true);
    else clearErrorFlash();  // clearing the form clears a stale error above it (a success message stays)
    return shown;
  }

  function busy(button, on) {
    if (!button) return;
    button.disabled = on;
    button.classList.toggle("busy", on);
  }

  // Reload after a short pause, so a success or conflict message is seen before the fresh page.
  function reloadSoon() { window.setTimeout(function () { window.location.reload(); }, 300); }

  // Fen as people read a price: "¥416", or "¥416.50" when there are fen. The rule of money() in
  // houses/presenters.py (Jinja's `money` filter, the API's price_display); a test checks they agree.
  function money(fen) {
    var value = Math.round(Number(fen) || 0), whole = Math.abs(value);
    var yuan = Math.floor(whole / 100), cents = whole % 100;
    return (value < 0 ? "-" : "") + "¥" + yuan + (cents ? "." + (cents < 10 ? "0" : "") + cents : "");
  }

  // A page restored from the back-forward cache would show what it showed when it was left (a free
  // night since booked, an order since paid): every page of ours is live data, so fetch it again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) window.location.reload();
  });

  window.ihome = { api: api, upload: upload, flash: flash, showErrors: showErrors, fieldError: fieldError, busy: busy,
                   csrfToken: csrfToken,
                   reloadSoon: reloadSoon, money: money };
})();
