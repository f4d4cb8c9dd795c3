"""Example responses of the OIOI v4 document (plugsurfing-oioi-4.16.3), as it prints them.

Where the printed JSON is broken across a page (the station-get-by-ids example), the
values are kept and only the brackets repaired. The document's own inconsistencies stay:
``streetNumber`` beside ``street-number``, ``"times": "[24h]"`` beside ``["24h"]``, the
recent stations nested one list deeper, a user-unblock-rfid answer without a result.
"""

OK = {"result": {"code": 0, "message": "Success."}}

USER_VERIFY = {"user": {"token": "e2af72d7a9084431ab0b1a5c42df7745"}, **OK}

USER_REGISTER = {
    "user": {"token": "e2af72d7a9084431ab0b1a5c42df7745", "evco-id": "DE*8PS*123456*7"},
    **OK,
}

USER_GET_DETAILS = {
    "user": {
        "first-name": "Firstname",
        "last-name": "Lastname",
        "address": {
            "street": "Warschauer Str.",
            "street-number": "1",
            "city": "Berlin",
            "zip": "10247",
            "country": "Germany",
        },
        "billing-name": "PlugSurfing GmbH",
        "billing-address": {
            "street": "Torgauer Str.",
            "street-number": "12-15",
            "city": "Berlin",
            "zip": "10829",
            "country": "Germany",
        },
        "locale": "de",
        "vat": "DE123456",
        "social-security-number": "SocialSecNumber",
        "evco-id": "DE*8PS*156456730*9",
        "phone": "+49 151 84512991",
    },
    **OK,
}

USER_POST_DETAILS_REFUSED = {
    "user-post-details": {"reason": "Could not validate VAT number: DE1234567"},
    **OK,
}

USER_GET_CHARGING_KEYS = {
    "user": {
        "charging-keys": [
            {"uid": "ABCDABCD", "evco-id": "DE*8PS*C12345"},
            {"uid": "ABCDABCF", "evco-id": "DE*8PS*C12346"},
        ]
    },
    **OK,
}

USER_UNBLOCK_RFID = {"user-unblock-rfid": {"success": True}}

STATION_GET_SURFACE = {
    "stations": [
        {
            "id": 1169,
            "name": "Marktparkhaus am Südwall",
            "latitude": 51.516123,
            "longitude": 6.322554,
            "dynamic-status-summary": None,
            "owner-type": None,
            "last-static-change": "2017-01-13T18:07:23+01:00",
            "connector-statuses": {"165946": "Available", "165947": "Available"},
        },
        {
            "id": 1622,
            "name": "Markt",
            "latitude": 51.51599,
            "longitude": 6.322551,
            "dynamic-status-summary": None,
            "owner-type": None,
            "last-static-change": "2017-01-13T18:07:23+01:00",
            "connector-statuses": {"142867": "Unknown"},
        },
    ],
    **OK,
}

STATION_GET_BY_IDS = {
    "stations": [
        {
            "id": 1169,
            "address": {
                "street": "Südwall",
                "streetNumber": "32",
                "city": "Geldern",
                "zip": "47608",
                "country": "Germany",
            },
            "contact": {
                "email": None,
                "web": "www.stadtwerke-geldern.de",
                "phone": None,
                "fax": None,
            },
            "operator-company-id": 715,
            "operator-logo": None,
            "floor-level": None,
            "is-free-charge": False,
            "last-static-change": "2015-01-23T18:54:52+01:00",
            "last-dynamic-change": "2013-02-12T01:49:05+01:00",
            "name": "Marktparkhaus am Südwall",
            "description": None,
            "latitude": 51.516123,
            "longitude": 6.322554,
            "open-hour-notes": [
                {"times": ["07:30", "20:00"], "days": ["Mo", "Fr"]},
                {"times": ["07:30", "15:00"], "days": ["Sa", "Sa"]},
            ],
            "total-parking": 1,
            "notes": "PARKING CHARGE",
            "is-green-power-available": True,
            "is-plugin-charge": True,
            "is-roofed": False,
            "is-reservable": False,
            "has-dynamic-info": False,
            "is-open-24": False,
            "dynamic-status-summary": "Available",
            "is-validated": True,
            "is-private": False,
            "owner-company-id": 28,
            "service-providers": [715, 1224],
            "connectors": [
                {
                    "id": 11451,
                    "status": "Available",
                    "last-change": "2014-07-01T15:25:40+02:00",
                    "name": "Chademo",
                    "speed": "52kW",
                    "mode": "Mode4",
                    "external-id": "DE*123*E000000002",
                    "prices": {
                        "starting-fee": "0.00",
                        "charging-per-hour": "0.00",
                        "parking-per-hour": "1.30",
                        "charging-per-kwh": "0.17",
                        "currency": "EUR",
                    },
                },
                {
                    "id": 11452,
                    "status": "Occupied",
                    "last-change": "2014-07-01T15:25:40+02:00",
                    "name": "Type2",
                    "speed": "22.2kW",
                    "mode": "Mode3",
                    "external-id": "DE*123*E000000002",
                    "prices": {
                        "starting-fee": "0.00",
                        "charging-per-hour": "0.00",
                        "parking-per-hour": "1.10",
                        "charging-per-kwh": "0.36",
                        "currency": "EUR",
                    },
                },
            ],
        },
        {
            "id": 1770,
            "address": {
                "street": "Torgauer StraÙe",
                "streetNumber": "12",
                "city": "Berlin",
                "zip": "10829",
                "country": "Germany",
            },
            "contact": {
                "email": None,
                "web": "https://www.rwe-mobility.com",
                "phone": None,
                "fax": None,
            },
            "operator-company-id": 715,
            "operator-logo": None,
            "floor-level": None,
            "is-free-charge": False,
            "last-static-change": "2015-01-23T18:54:52+01:00",
            "last-dynamic-change": "2014-12-29T21:48:08+01:00",
            "name": "Torgauer Straße",
            "description": None,
            "latitude": 52.482327,
            "longitude": 13.357278,
            "open-hour-notes": [{"times": "[24h]", "days": ["Mo", "Su"]}],
            "total-parking": 1,
            "notes": "",
            "is-green-power-available": True,
            "is-plugin-charge": True,
            "is-roofed": False,
            "is-reservable": False,
            "has-dynamic-info": True,
            "is-open-24": True,
            "dynamic-status-summary": "Available",
            "is-validated": True,
            "is-private": False,
            "owner-company-id": 28,
            "service-providers": [715, 1224, 1337, 1338],
            "connectors": [
                {
                    "id": 8613,
                    "status": "Available",
                    "last-change": "2014-12-29T21:48:08+01:00",
                    "name": "Type2",
                    "speed": "22.2kW",
                    "mode": "Mode3",
                    "external-id": None,
                    "prices": {
                        "starting-fee": "0.00",
                        "charging-per-hour": "0.00",
                        "parking-per-hour": "1.10",
                        "charging-per-kwh": "0.36",
                        "currency": "EUR",
                    },
                }
            ],
        },
    ],
    "companies": [
        {
            "id": 28,
            "name": "RWE",
            "contact": {
                "email": None,
                "web": "https://www.rwe-mobility.com",
                "phone": "0800 2335335",
                "fax": None,
            },
            "address": {
                "street": None,
                "streetNumber": None,
                "city": None,
                "zip": None,
                "country": "United Kingdom",
            },
            "description": "RWE",
            "type": None,
        },
        {
            "id": 715,
            "name": "RWE",
            "contact": {
                "email": None,
                "web": "https://www.rwe-mobility.com",
                "phone": "+498002255793",
                "fax": None,
            },
            "address": {
                "street": None,
                "streetNumber": None,
                "city": None,
                "zip": None,
                "country": "Germany",
            },
            "description": None,
            "type": None,
        },
    ],
    **OK,
}

SESSION_START_STOPPABLE = {
    "session-start": {"session-id": "abcdef-123456-abc123-456def", "is-stoppable": True},
    **OK,
}

USER_GET_RECENT_SESSIONS = {
    "user": {
        "sessions": [
            {
                "request-sent": "2014-06-23T18:32:49+02:00",
                "connector-id": 9835,
                "charging-station-id": 19018,
                "session-interval": {
                    "start": "2014-06-23T16:32:22+02:00",
                    "end": "2014-06-23T17:42:47+02:00",
                },
                "charging-interval": {
                    "start": "2014-06-23T16:32:28+02:00",
                    "end": "2014-06-23T17:30:21+02:00",
                },
                "energy-consumed": 3,
                "cost": "3.76",
                "currency": "EUR",
                "external-session-id": "abc-def",
                "address": "Tempelhofer Ufer 17, 10963 Berlin, Germany",
            },
            {
                "request-sent": "2014-06-23T18:40:50+02:00",
                "connector-id": None,
                "charging-station-id": None,
                "session-interval": {
                    "start": "2014-06-23T16:38:18+02:00",
                    "end": "2014-06-23T16:40:45+02:00",
                },
                "charging-interval": {"start": None, "end": None},
                "energy-consumed": 0.053,
                "cost": "2.03",
                "currency": "EUR",
                "external-session-id": "abc-def",
                "address": "Tempelhofer Ufer 17, 10963 Berlin, Germany",
            },
        ]
    },
    **OK,
}

USER_GET_RECENT_STATIONS = {
    "user": {
        "stations": [
            [
                {
                    "id": 1247,
                    "name": "Vattenfall Ladestation",
                    "latitude": 52.52119,
                    "longitude": 13.32143,
                    "dynamic-status-summary": "Available",
                    "owner-type": None,
                },
                {
                    "id": 1248,
                    "name": "Hotel Station",
                    "latitude": 52.82119,
                    "longitude": 12.12143,
                    "dynamic-status-summary": "Occupied",
                    "owner-type": "hotel",
                },
            ]
        ]
    },
    **OK,
}

USER_GET_BILLS = {
    "user": {
        "bills": [
            {
                "external-session-ids": ["6a2f25f6-0a88-1293-5ab0-0e3da7abcdef"],
                "bill": "https://api.plugsurfing.com/uploads/bills/Invoice-201503051-10000.pdf",
            },
            {
                "external-session-ids": [
                    "6a2f25f6-a82c-1234-9090-0e3da7abcde1",
                    "6a2f25f6-927f-6578-1432-8394caabcde2",
                ],
                "bill": "https://api.plugsurfing.com/uploads/bills/Invoice-201503052-10000.pdf",
            },
        ]
    },
    **OK,
}
