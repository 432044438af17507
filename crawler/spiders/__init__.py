"""One module per site; what they share is in base.py (discovery, arguments) and the parsers."""
