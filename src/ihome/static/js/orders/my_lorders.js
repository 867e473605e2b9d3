// Bookings of my houses: accept, or decline with a reason.
(function () {
  "use strict";

  var list = document.getElementById("order-list");
  if (!list) return;
  var messages = list.dataset;

  function answer(card, body, button, form, message) {
    window.ihome.busy(button, true);
    window.ihome.api("PUT", "/orders/" + card.dataset.orderId + "/status", body).then(function (data) {
      card.dataset.status = data.status;
      window.ihome.flash(message, false);
      window.ihome.reloadSoon();
    }, function (error) {
      window.ihome.busy(button, false);
      if (form) window.ihome.showErrors(form, error); else window.ihome.flash(error.message, true);
      if (error.status === 409) window.ihome.reloadSoon();
    });
  }

  list.addEventListener("click", function (event) {
    var accept = event.target.closest("button.order-accept");
    var open = event.target.closest("button.order-reject-open");
    if (accept) answer(accept.closest("[data-order-id]"), { action: "accept" }, accept, null, messages.msgAccepted);
    if (open) {
      var form = open.closest("[data-order-id]").querySelector("form.order-reject-form");
      form.classList.remove("hidden");
      form.querySelector("textarea").focus();
    }
  });

  list.querySelectorAll("form.order-reject-form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      answer(form.closest("[data-order-id]"), { action: "reject", reason: form.querySelector("textarea").value },
        button, form, messages.msgRejected);
    });
  });
})();
