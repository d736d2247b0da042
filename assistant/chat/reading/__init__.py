"""Reading a client's own words: numbers and units, clauses, criterion names, and the facts they state."""
