"""Currency symbols as a Costa Rican reader writes them: "₡25.000.000", "US$1.500"."""

SYMBOLS = {"CRC": "₡", "USD": "US$", "EUR": "€", "CAD": "CA$", "GBP": "£"}
