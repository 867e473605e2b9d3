// My bookings: cancel, pay (POST /orders/<id>/payment, then go to data.pay_url), review with stars
// (the star input is js/star_rating.js).
(function () {
  "use strict";

  var list = document.getElementById("order-list");
  if (!list) return;
  var messages = list.dataset;

  list.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-action]");
    if (!button) return;
    var card = button.closest("[data-order-id]");
    var id = card.dataset.orderId;
    window.ihome.busy(button, true);
    var done;
    if (button.dataset.action === "pay") {
      done = window.ihome.api("POST", "/orders/" + id + "/payment").then(function (data) {
        window.location.assign(data.pay_url);
      });
    } else {
      done = window.ihome.api("PUT", "/orders/" + id + "/status", { action: "cancel" }).then(function (data) {
        card.dataset.status = data.status;
        window.ihome.flash(messages.msgCancelled, false);
        window.ihome.reloadSoon();
      });
    }
    done.catch(function (error) {
      window.ihome.busy(button, false);
      window.ihome.flash(error.message, true);
      if (error.status === 409) window.ihome.reloadSoon();
    });
  });

  list.querySelectorAll("form.order-comment-form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var card = form.closest("[data-order-id]");
      var rating = parseInt(form.querySelector('input[name="rating"]').value, 10);
      var submit = form.querySelector("button[type=submit]");
      if (!rating) {
        window.ihome.showErrors(form, { message: messages.msgNeedRating, fields: { rating: [messages.msgNeedRating] } });
        return;
      }
      window.ihome.busy(submit, true);
      window.ihome.api("PUT", "/orders/" + card.dataset.orderId + "/comment", {
        comment: form.querySelector('textarea[name="comment"]').value, rating: rating
      }).then(function (data) {
        card.dataset.status = data.status;
        window.ihome.flash(messages.msgCommented, false);
        window.ihome.reloadSoon();
      }, function (error) {
        window.ihome.busy(submit, false);
        window.ihome.showErrors(form, error);
      });
    });
  });
})();
