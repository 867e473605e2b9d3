// /my/auth: POST /user/auth once; the page then shows the masked, read-only information.
(function () {
  "use strict";
  var form = document.getElementById("auth-form");
  if (!form) return;  // already verified: nothing to submit
  var submit = document.getElementById("auth-submit");

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    ihome.busy(submit, true);
    ihome.api("POST", "/user/auth", {
      real_name: form.elements.real_name.value.trim(),
      id_card: form.elements.id_card.value.trim()
    }).then(function () {
      ihome.flash(form.dataset.done, false);
      // on to where the host was going (?next=, a local path checked by the server); replace, so Back
      // does not return to a form that can no longer be submitted
      if (form.dataset.next) window.location.replace(form.dataset.next);
      else window.location.reload();
    }).catch(function (error) {
      ihome.busy(submit, false);
      ihome.showErrors(form, error);
    });
  });
})();
