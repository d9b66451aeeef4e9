from ninja import Router

router = Router(tags=["Kvik-linje"])
