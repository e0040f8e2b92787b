"""Committee meetings: agenda, attendance, recusals, votes per item and minutes generated from the facts."""
