"""The demo data, one builder per floor (docs/architecture.md): each writes through its floor's
services, as people would, and the seed_demo command calls them in order. Every builder looks its
objects up by their natural key first, so that a second run changes nothing."""
