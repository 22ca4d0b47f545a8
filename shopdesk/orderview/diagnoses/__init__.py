"""Shipping diagnoses: one module per customer question, each a read returning a structured Diagnosis.

The order page, the customer API and the assistant call the same functions (see `order.py`).
"""
