"""What a product's description is made of (the block library's description blocks)."""

from blocks.description import description_blocks

DESCRIPTION_BLOCKS = description_blocks()
