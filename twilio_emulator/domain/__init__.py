"""The simulated world, pure: no asyncio, no I/O, no aiohttp/aiosqlite/lxml. Time comes in as an argument."""
