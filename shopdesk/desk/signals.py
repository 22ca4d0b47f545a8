"""What the desk tells other parts of the product, without knowing them.

`public_reply_sent` is sent inside the reply's transaction (a receiver's write commits or rolls back with
the reply) with `ticket` and `message`: a chat the ticket came from shows the reply there too.
"""

from __future__ import annotations

from django.dispatch import Signal

public_reply_sent = Signal()
