"""Field types the API's schemas share."""

from typing import Annotated

from pydantic import Field

from pingtopass.params import INT64_MAX

# A database id as a client may send one: anything outside a 64-bit column is a 422 for its field,
# never an OverflowError from the database driver.
DbId = Annotated[int, Field(ge=1, le=INT64_MAX)]
