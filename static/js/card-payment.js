// The card form of a card payment: Stripe.js mounts its card field (in Stripe's frame, so the card's details go
// to Stripe, never to this site), confirms the payment with the intent's client secret (3-D Secure included),
// then submits the form: the server asks Stripe what became of the payment and shows it. A mistake in the card
// field is shown beside it and nothing is sent; without JavaScript the form stays hidden (see the <noscript>).
(function () {
  "use strict";
  var form = document.getElementById("card-form");
  if (!form) { return; }
  var errors = document.getElementById("card-errors");
  var status = document.getElementById("card-status");
  var button = document.getElementById("card-pay");
  function say(text) { errors.textContent = text || ""; }
  if (typeof window.Stripe !== "function") {
    form.hidden = false;
    button.disabled = true;
    say(form.getAttribute("data-msg-unavailable"));
    return;
  }
  var locale = form.getAttribute("data-locale");
  var stripe = window.Stripe(form.getAttribute("data-publishable-key"), { locale: locale });
  var card = stripe.elements({ locale: locale }).create("card", { hidePostalCode: true });
  card.mount("#card-element");
  card.on("change", function (event) {
    say(event && event.error ? event.error.message : "");
  });
  form.hidden = false;
  var busy = false;
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (busy) { return; }
    busy = true;
    button.disabled = true;
    say("");
    status.textContent = form.getAttribute("data-msg-working");
    stripe.confirmCardPayment(form.getAttribute("data-client-secret"), { payment_method: { card: card } })
      .then(function (result) {
        var error = result && result.error;
        if (error && error.type === "validation_error") {  // nothing reached the bank: correct and try again
          busy = false;
          button.disabled = false;
          status.textContent = "";
          say(error.message || form.getAttribute("data-msg-failed"));
          return;
        }
        form.submit();  // succeeded, held, or declined: the server reads it from Stripe and says which
      }, function () {
        form.submit();
      });
  });
}());
