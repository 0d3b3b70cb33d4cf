"""What a Milvus index was built with, and its write generation, as rows of a small
collection (``<collection>_about``): Milvus Lite keeps no collection properties, and rows
read the same on Lite and on a server.

Each row is a key (a collection's name, or ``generation``) and a JSON value. Milvus asks
every collection for a vector field; this one's is a two-number placeholder.
"""

from __future__ import annotations

import json

_PLACEHOLDER = [0.0, 0.0]
GENERATION = "generation"


class AboutRows:
    """``read(key)`` / ``write(key, value)`` of small JSON values in ``<collection>_about``."""

    def __init__(self, client, name: str) -> None:
        self.client, self.name = client, name
        if not client.has_collection(name):
            self._create()
        client.load_collection(name)

    def _create(self) -> None:
        from pymilvus import DataType

        schema = self.client.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("id", DataType.VARCHAR, is_primary=True, max_length=512)
        schema.add_field("value", DataType.VARCHAR, max_length=4096)
        schema.add_field("placeholder", DataType.FLOAT_VECTOR, dim=len(_PLACEHOLDER))
        self.client.create_collection(self.name, schema=schema, consistency_level="Strong")
        params = self.client.prepare_index_params()
        params.add_index(field_name="placeholder", index_type="FLAT", metric_type="L2")
        self.client.create_index(self.name, params)

    def read(self, key: str) -> dict:
        """The value stored under ``key`` ({} when none is)."""
        rows = self.client.get(self.name, ids=[key], output_fields=["value"])
        return json.loads(rows[0]["value"]) if rows else {}

    def write(self, key: str, value: dict) -> None:
        self.client.upsert(self.name, [{"id": key, "value": json.dumps(value, ensure_ascii=False),
                                        "placeholder": _PLACEHOLDER}])
