from passerelle import create_app

app = create_app()
