"""The HTTP glue: aiohttp handlers that parse, call one backend method and render."""
