"""Journal export of approved claims (freee会計, マネーフォワード, 弥生, plain CSV) and the optional freee API (#16)."""
