from openbargain import create_app

app = create_app()
