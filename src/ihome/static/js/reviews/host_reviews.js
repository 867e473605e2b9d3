// The host's booking list: review the guest after check-out, reply to the guest's review (reviews block).
(function () {
  "use strict";

  var list = document.getElementById("order-list");
  if (!list) return;
  var messages = list.dataset;

  function submit(form, path, body, message) {
    var button = form.querySelector("button[type=submit]");
    window.ihome.busy(button, true);
    window.ihome.api("PUT", path, body).then(function () {
      window.ihome.flash(message, false);
      window.ihome.reloadSoon();
    }, function (error) {
      window.ihome.busy(button, false);
      window.ihome.showErrors(form, error);
      if (error.status === 409) window.ihome.reloadSoon();
    });
  }

  list.querySelectorAll("form.guest-review-form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var id = form.closest("[data-order-id]").dataset.orderId;
      submit(form, "/orders/" + id + "/guest_review", {
        rating: parseInt(form.querySelector('select[name="rating"]').value, 10),
        comment: form.querySelector('textarea[name="comment"]').value
      }, messages.msgGuestReviewed);
    });
  });

  list.querySelectorAll("form.review-reply-form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var id = form.closest("[data-order-id]").dataset.orderId;
      submit(form, "/orders/" + id + "/comment/reply", { reply: form.querySelector('textarea[name="reply"]').value },
        messages.msgReplied);
    });
  });
})();
