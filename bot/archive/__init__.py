"""The receipt archive kept for 電子帳簿保存法 (電子取引): originals, search, retention, versions (#16)."""
