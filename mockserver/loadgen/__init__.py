"""Traffic generators that send HTTP themselves (they may import aiohttp)."""
