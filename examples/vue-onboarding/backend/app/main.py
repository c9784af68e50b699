"""The FastAPI app: the seed's onboarding router under /api, and the built Vue app (../dist) for
every other GET, so the browser calls `/api/…` on its own origin as the seed's Onboarding.vue does."""

import os
from pathlib import Path

from dotenv import load_dotenv
from fastapi import FastAPI, HTTPException
from fastapi.responses import FileResponse

load_dotenv()  # the seed's .env (CLERK_SECRET_KEY, …), if there is one; real variables win

for name in ("CLERK_SECRET_KEY", "CLERK_API_URL", "CLERK_JWT_KEY"):
    if not os.getenv(name):
        raise SystemExit(f'vue-onboarding: {name} is not set; run eval "$(npx gatehouse env --shell --data-dir ../../.gatehouse)" first, see README.md')

from app.routers import onboarding  # noqa: E402  (reads the variables when it loads)

app = FastAPI(title="onboarding-api")
app.include_router(onboarding.router)

DIST = (Path(__file__).resolve().parent.parent.parent / "dist").resolve()


@app.get("/healthz")
async def healthz() -> dict[str, bool]:
    return {"ok": True}


@app.get("/{path:path}", include_in_schema=False)
async def spa(path: str) -> FileResponse:
    """A built file if there is one, else index.html (vue-router's history mode: /onboarding, /dashboard, /sign-in/…)."""
    if path.startswith("api/"):
        raise HTTPException(status_code=404, detail="Not Found")
    candidate = (DIST / path).resolve()
    if path and candidate.is_file() and DIST in candidate.parents:
        return FileResponse(candidate)
    index = DIST / "index.html"
    if not index.is_file():
        raise HTTPException(status_code=503, detail="the front end is not built: npm run build")
    return FileResponse(index, headers={"Cache-Control": "no-cache"})
