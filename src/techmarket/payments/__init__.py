"""Money: the payment gateways (Stripe and offline bank transfer), payments for deposits and instalments, webhooks."""
