"""Links in emails point at the server people are using: `PORT=5081 make run` serves on 5081,
so its emails must link to 5081, not to the default 5000."""
import subprocess
from pathlib import Path

from web.config import Settings

ROOT = Path(__file__).resolve().parents[2]


def test_links_point_at_the_port_being_served():
    assert Settings().served_at("127.0.0.1", 5081, environ={}).base_url == "http://127.0.0.1:5081"


def test_a_server_on_every_address_links_to_this_machine():
    assert Settings().served_at("0.0.0.0", 8080, environ={}).base_url == "http://127.0.0.1:8080"


def test_a_configured_base_url_wins():
    settings = Settings(base_url="https://casework.bexley.example")
    served = settings.served_at("127.0.0.1", 5081, environ={"CASEWORK_BASE_URL": "https://casework.bexley.example"})
    assert served.base_url == "https://casework.bexley.example"


def test_make_run_serves_on_the_port_it_is_given():
    planned = subprocess.run(["make", "-n", "run", "PORT=5081"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout
    assert "casework serve --port 5081" in planned
