"""A bare Flask "hello", served by gunicorn beside the app: the floor of every figure."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "hello"
