"""Inventory example: a stateless FastAPI backend following the anton backend contract.

Run locally with:  python backend.py --port 8000
"""
import argparse
import os
from pathlib import Path

from fastapi import FastAPI, HTTPException
from fastapi.staticfiles import StaticFiles

# Datasource credentials (DS_* variables) the hosting service injects. This example needs
# none; the dict keeps its name because the hosting service imports it.
SECRETS = {name: value for name, value in os.environ.items() if name.startswith("DS_")}

app = FastAPI(title="Inventory example")

# Built-in sample data, so the app works without any datasource.
PRODUCTS = [
    {"sku": "KB-100", "name": "Mechanical keyboard", "category": "Peripherals", "price": 89.0, "stock": 42},
    {"sku": "MS-220", "name": "Wireless mouse", "category": "Peripherals", "price": 29.5, "stock": 120},
    {"sku": "MN-270", "name": "27\" monitor", "category": "Displays", "price": 249.0, "stock": 15},
    {"sku": "MN-320", "name": "32\" 4K monitor", "category": "Displays", "price": 429.0, "stock": 6},
    {"sku": "DK-010", "name": "USB-C dock", "category": "Accessories", "price": 119.0, "stock": 33},
    {"sku": "CB-003", "name": "HDMI cable (2 m)", "category": "Accessories", "price": 9.9, "stock": 410},
    {"sku": "HS-500", "name": "Noise-cancelling headset", "category": "Audio", "price": 159.0, "stock": 0},
    {"sku": "SP-040", "name": "Desk speakers", "category": "Audio", "price": 64.0, "stock": 18},
]
LOW_STOCK = 10


@app.get("/api/health")
def health():
    return {"status": "ok"}


@app.get("/api/products")
def products(category: str = ""):
    items = [p for p in PRODUCTS if not category or p["category"] == category]
    return {"items": items, "categories": sorted({p["category"] for p in PRODUCTS})}


@app.get("/api/summary")
def summary():
    value = sum(p["price"] * p["stock"] for p in PRODUCTS)
    low = [p["sku"] for p in PRODUCTS if p["stock"] < LOW_STOCK]
    return {"products": len(PRODUCTS), "stock_value": round(value, 2), "low_stock": low}


@app.get("/api/products/{sku}")
def product(sku: str):
    for p in PRODUCTS:
        if p["sku"] == sku:
            return p
    raise HTTPException(status_code=404, detail="No product with that SKU")


# Static frontend at /, registered after the API routes so /api/* wins.
app.mount("/", StaticFiles(directory=str(Path(__file__).parent / "static"), html=True), name="static")

try:
    from mangum import Mangum

    handler = Mangum(app, lifespan="off")
except ImportError:  # mangum is only needed by the hosting service
    handler = None


if __name__ == "__main__":
    import uvicorn

    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(app, host="127.0.0.1", port=args.port)
