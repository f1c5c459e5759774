"""Invoicing: the association's invoices and their documents (PDF and Peppol e-invoice)."""
