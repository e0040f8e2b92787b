"""Languages: which ones the portal speaks, which one a request gets, and the visitor's switch between them."""
