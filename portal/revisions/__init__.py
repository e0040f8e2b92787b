"""The revision loop: a committee asks for changes item by item; the investigator answers and resubmits."""
