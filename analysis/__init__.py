"""Pure text analytics for yuqing: no database, network, web or crawling code.

Modules: text (normalise, segment), sentiment, appeal (the 诉求类型 a board message's title
declares), keywords, dedup (SimHash), clustering (incremental events), hotness (levels,
reasons, alert decisions), routing (一级分类), privacy (personal-data masking), types (frozen
result dataclasses). Models load lazily.
"""
