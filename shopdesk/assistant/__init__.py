"""The assistant: understanding customer messages (``nlu``), conversations and the flows behind them."""
