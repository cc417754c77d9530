"""Forms of the marketer screens."""
