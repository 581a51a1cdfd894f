"""Load generators that send HTTP themselves (they may import aiohttp): `fire` (one
process) and a Locust user class (many processes or machines)."""
