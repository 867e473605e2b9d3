// /register: captcha (click for a new one), SMS code with a 60 s countdown, then POST /users.
(function () {
  "use strict";
  var form = document.getElementById("register-form");
  var captcha = document.getElementById("captcha");
  var smsButton = document.getElementById("send-sms");
  var submit = document.getElementById("register-submit");
  var codeId = null;
  var timer = null;

  function newId() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    return "id-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2);
  }

  function refreshCaptcha() {
    codeId = newId();
    captcha.src = "/api/v1.0/image_codes/" + codeId;
    form.elements.image_code.value = "";
  }

  function fieldError(name, message) {
    ihome.showErrors(form, { message: message, fields: (function () { var f = {}; f[name] = [message]; return f; })() });
  }

  // Disable the SMS button for ``seconds``, showing the time left; one send per minute is the rule.
  function countdown(seconds) {
    var label = form.dataset.countdownLabel;
    clearInterval(timer);
    smsButton.disabled = true;
    function tick() {
      if (seconds <= 0) {
        clearInterval(timer);
        smsButton.disabled = false;
        smsButton.textContent = form.dataset.sendLabel;
        return;
      }
      smsButton.textContent = label.replace("{s}", seconds);
      seconds -= 1;
    }
    tick();
    timer = setInterval(tick, 1000);
  }

  captcha.addEventListener("click", refreshCaptcha);
  // A 429 (or any failure) answers JSON instead of an image: say so in words.
  captcha.addEventListener("error", function () { ihome.flash(form.dataset.captchaFailed, true); });

  smsButton.addEventListener("click", function () {
    var mobile = form.elements.mobile.value.trim();
    var imageCode = form.elements.image_code.value.trim();
    if (!mobile) { fieldError("mobile", form.dataset.mobileRequired); return; }
    if (!imageCode) { fieldError("image_code", form.dataset.imageRequired); return; }
    ihome.busy(smsButton, true);
    ihome.api("POST", "/sms_codes", { mobile: mobile, image_code: imageCode, image_code_id: codeId })
      .then(function () {
        ihome.busy(smsButton, false);
        ihome.showErrors(form, { message: "", fields: {} });
        ihome.flash(form.dataset.sentMessage, false);
        countdown(Number(form.dataset.resendSeconds) || 60);
      })
      .catch(function (error) {
        ihome.busy(smsButton, false);
        ihome.showErrors(form, error);
        var resend = Number(form.dataset.resendSeconds) || 60;
        if (error.errno === "4201" && error.retryAfter && Number(error.retryAfter) <= resend) {
          countdown(Number(error.retryAfter));
        }
        refreshCaptcha();  // the image code is spent by every attempt
      });
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    ihome.busy(submit, true);
    ihome.api("POST", "/users", {
      mobile: form.elements.mobile.value.trim(),
      sms_code: form.elements.sms_code.value.trim(),
      password: form.elements.password.value,
      password2: form.elements.password2.value
    }).then(function () {
      // replace, not assign: Back from the next page must not return to this form (logged in by now)
      window.location.replace(form.dataset.next || "/my");
    }).catch(function (error) {
      ihome.busy(submit, false);
      ihome.showErrors(form, error);
    });
  });

  refreshCaptcha();
})();
