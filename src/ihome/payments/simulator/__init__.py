"""A local stand-in for Alipay's gateway (development and testing only, never in production).

It speaks Alipay's protocol: it verifies the app's RSA2-signed requests with the app's public key,
shows a cashier page, signs notifications, return parameters and API responses with its own key
pair, and answers trade query, refund and close calls. The app reaches it only through the gateway
URL, so the production Alipay code path runs end to end on a laptop with no network.
"""
