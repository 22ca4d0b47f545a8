"""Three ways a shopper might ask each article's question, written without looking at the index.

Used by test_search_paraphrases.py: each should find its article in the top three results.
"""

PARAPHRASES: dict[str, tuple[str, str, str]] = {
    # Orders
    "tracking-order": (
        "how can I track my package",
        "is there a tracking link for my purchase",
        "follow my shipment status",
    ),
    "ordering-guidance": (
        "how do I buy something on your site",
        "steps to place an order",
        "do I need an account to purchase",
    ),
    "when-will-my-order-ship": (
        "when will you dispatch my order",
        "how many days before my order is sent out",
        "processing time before shipping",
    ),
    "where-is-my-order": ("where's my stuff", "has my order shipped yet", "what is the status of my order"),
    "change-my-order": (
        "I ordered the wrong size, can I change it",
        "modify my order after purchase",
        "can I change the colour of an item I ordered",
    ),
    "shipping-email-missing": (
        "never got the shipping notification",
        "no email saying my order was dispatched",
        "didn't receive tracking email",
    ),
    "cancel-my-order": (
        "I want to cancel my purchase",
        "how do i cancel an order I just placed",
        "stop my order please",
    ),
    "change-billing-address": (
        "update the billing address on my order",
        "my invoice address is wrong",
        "change billing info",
    ),
    "confirmation-email-missing": (
        "I never got an order confirmation",
        "did my order go through? no email",
        "resend my order confirmation",
    ),
    # Shipping
    "shipping-info": (
        "how much is shipping and how long does it take",
        "what shipping options do you have",
        "express delivery cost",
    ),
    "countries-we-ship-to": (
        "do you deliver to Brazil",
        "do you ship internationally",
        "which countries can you send to",
    ),
    "package-not-received": (
        "my parcel never arrived",
        "package says delivered but I don't have it",
        "my package is lost",
    ),
    "package-returned-to-sender": (
        "why did my parcel go back to you",
        "the tracking says return to sender",
        "package was sent back to the warehouse",
    ),
    "order-in-several-packages": (
        "I only got part of my order",
        "why did my items come in separate boxes",
        "received two parcels for one order",
    ),
    "tracking-not-updated": (
        "tracking hasn't moved in days",
        "my tracking is stuck",
        "no update on my shipment for a week",
    ),
    "not-at-my-address": (
        "I won't be home for the delivery",
        "can the carrier hold my package while I'm away",
        "missed the delivery what now",
    ),
    "shipping-fees": (
        "are there hidden shipping costs",
        "will I pay extra charges on delivery",
        "any surcharges for remote areas",
    ),
    "refusing-customs-duties": (
        "I don't want to pay the import tax",
        "can I refuse the package because of customs fees",
        "customs charges too high, what happens if I refuse",
    ),
    "tracking-number-invalid": (
        "my tracking number doesn't work",
        "the carrier says tracking number not found",
        "tracking code is invalid",
    ),
    "shipping-addresses": (
        "can you ship to a PO box",
        "how should I write my delivery address",
        "I entered the wrong shipping address",
    ),
    # Returns & refunds
    "return-policy": (
        "what is your returns policy",
        "how many days do I have to return",
        "can I exchange something",
    ),
    "our-guarantees": (
        "do you have a warranty on your products",
        "what do you guarantee",
        "item broke after a month, is it covered",
    ),
    "when-will-i-get-my-refund": (
        "how long does a refund take",
        "when will I get my money back after returning",
        "refund timeline for paypal",
    ),
    "return-an-item": (
        "how do I send something back",
        "I want to return shoes that don't fit",
        "where do I get a return label",
    ),
    "refund-is-wrong": (
        "my refund amount is incorrect",
        "you refunded me the wrong amount",
        "refund seems too low, was there a mistake",
    ),
    "non-returnable-items": (
        "which products can't be returned",
        "can I return swimwear",
        "are final sale items returnable",
    ),
    "partial-refund": (
        "why was my refund less than I paid",
        "why did you deduct money from my refund",
        "I only got part of my money back",
    ),
    "return-received": (
        "did you get my return",
        "is my returned parcel at your warehouse",
        "status of my return",
    ),
    # Payments & promotions
    "payment-methods-by-country": (
        "can I pay with iDEAL in the Netherlands",
        "which payment options work in Japan",
        "is Klarna available in my country",
    ),
    "payment-declined": (
        "my card was declined",
        "payment failed at checkout",
        "why won't my payment go through",
    ),
    "payment-verification": (
        "why do you need to verify my card",
        "I got an email asking to confirm my payment",
        "my order is on hold for a security check",
    ),
    "pay-with-points": (
        "how do I redeem my loyalty points",
        "use reward points at checkout",
        "can I spend my points on an order",
    ),
    "combine-coupons": (
        "can I stack two coupons",
        "use two promo codes on one order",
        "combine an offer with a free shipping code",
    ),
    "points-refund-timing": (
        "when do my points come back after I cancel",
        "points not returned after refund",
        "how long until I get my points back",
    ),
    "price-adjustment": (
        "the price dropped after I bought it",
        "price went down, can I get the difference",
        "do you offer price protection",
    ),
    "promo-code-not-working": (
        "my coupon code is not valid",
        "discount code doesn't apply",
        "voucher won't work at checkout",
    ),
    "more-than-one-discount": ("can discounts be combined", "two discounts at once", "get a double discount"),
    "price-difference-on-sale-items": (
        "item went on sale right after I bought it",
        "refund the difference for a discounted item",
        "bought it before the flash sale, can I get the difference",
    ),
    "payment-methods": (
        "what forms of payment do you accept",
        "do you take American Express",
        "can I pay with Apple Pay",
    ),
    # Company
    "terms-of-use": ("terms and conditions", "what are your terms of service", "conditions of sale"),
    "privacy-policy": ("how do you use my personal data", "delete my data", "GDPR request"),
    "copyright-notice": (
        "can I use your product photos",
        "copyright information",
        "someone is copying your designs",
    ),
    "contact-customer-care": (
        "how can I talk to a human",
        "what is your phone number",
        "customer support email",
    ),
    "about-us": ("who are you", "tell me about your company", "when was the brand founded"),
    "where-we-ship-from": (
        "where is your warehouse",
        "which country do you ship from",
        "where are orders dispatched from",
    ),
    "wholesale-discount": (
        "do you sell in bulk",
        "I want to order 100 units for my shop",
        "reseller pricing",
    ),
    "new-arrivals": ("what's new in the store", "where are the new products", "when do new collections drop"),
}
