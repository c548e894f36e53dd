

def test_an_export_stays_in_the_reports_language_whatever_the_page(app, client, users, in_review):
    auth = AuthActions(client, users)
    auth.login("secretariat")
    client.post("/language", data={"language": "sq", "next": "/home"})
    csv = client.get(f"/exports/rounds/{in_review.round_id}.csv").get_data(as_text=True)
    assert "In progress" in csv or "Achieved" in csv or "Planned" in csv or "Not started" in csv
    assert "Në proces" not in csv and "Arritur" not in csv and "Shqipëria" not in csv
