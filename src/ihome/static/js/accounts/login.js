// /login: POST /sessions, then back to the local page that sent the user here.
(function () {
  "use strict";
  var form = document.getElementById("login-form");
  var submit = document.getElementById("login-submit");

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    ihome.busy(submit, true);
    ihome.api("POST", "/sessions", {
      mobile: form.elements.mobile.value.trim(),
      password: form.elements.password.value
    }).then(function () {
      // replace, not assign: Back from the next page must not return to this form (logged in by now)
      window.location.replace(form.dataset.next || "/my");
    }).catch(function (error) {
      ihome.busy(submit, false);
      ihome.showErrors(form, error);
    });
  });
})();
