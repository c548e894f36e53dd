"""Rules over plain data that every layer above shares: the parties and how the EU names them, the plan catalogue."""
