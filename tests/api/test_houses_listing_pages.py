"""The listing's pages as the server renders them: the detail shows the description and house rules escaped
with their line breaks, and the times; the owner sees an unpublished home's note and others a 404; my homes
shows each home's state with its toggle; the edit form carries the fields and the photo tools' ids."""

from __future__ import annotations

from ihome.extensions import db
from ihome.houses.models import HouseImage
from tests.api.test_houses_pages import assert_no_inline_code, html
from tests.conftest import login
from tests.factories.houses import make_house


def test_the_detail_shows_the_texts_escaped_with_line_breaks_and_the_times(client):
    house_id = make_house(description="第一行\n<script>alert(1)</script> & more", house_rules="不吸烟\n不养宠物",
                          check_in_time="15:00", check_out_time="11:30").id
    page = html(client.get(f"/houses/{house_id}"))
    description = page.split('id="house-description">')[1].split("</p>")[0]
    assert description == "第一行\n&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"
    assert "<script>alert(1)" not in page and 'class="house-text"' in page  # .house-text: white-space pre-line
    assert page.split('id="house-rules">')[1].split("</p>")[0] == "不吸烟\n不养宠物"
    assert "15:00 以后" in page.split('id="check-in-time">')[1].split("</dd>")[0]
    assert "11:30 以前" in page.split('id="check-out-time">')[1].split("</dd>")[0]
    assert "unpublished-note" not in page
    english = html(client.get(f"/houses/{house_id}?lang=en"))
    assert "from 15:00" in english and "by 11:30" in english and "House rules" in english
    assert_no_inline_code(page)


def test_a_house_without_texts_shows_no_empty_sections(client):
    house_id = make_house().id
    page = html(client.get(f"/houses/{house_id}"))
    assert 'id="house-description"' not in page and 'id="house-rules"' not in page
    assert "14:00 以后" in page and "12:00 以前" in page


def test_an_unpublished_home_is_a_404_page_for_others_and_noted_for_its_owner(client, host):
    house_id = make_house(owner=host, published=False).id
    assert client.get(f"/houses/{house_id}").status_code == 404
    login(client, host.id)
    page = html(client.get(f"/houses/{house_id}"))
    assert 'id="unpublished-note"' in page


def test_my_homes_show_the_state_and_a_toggle(client, host):
    shown = make_house(owner=host, title="Shown").id
    hidden = make_house(owner=host, title="Hidden", published=False).id
    login(client, host.id)
    page = html(client.get("/my/houses"))
    assert f'id="publish-toggle-{shown}"' in page and f'id="publish-toggle-{hidden}"' in page
    assert page.split(f'id="publish-state-{shown}">')[1].startswith("已上架")
    assert page.split(f'id="publish-state-{hidden}">')[1].startswith("已下架")
    toggle = page.split(f'id="publish-toggle-{hidden}"')[1].split("</button>")[0]
    assert 'data-published="false"' in toggle and "重新上架" in toggle
    assert "js/houses/my_houses.js" in page
    assert_no_inline_code(page)


def test_the_edit_form_carries_the_fields_and_the_photo_ids(client, host):
    house_id = make_house(owner=host, description="Line one\nLine two", house_rules="Quiet",
                          check_in_time="16:00").id
    photos = [HouseImage(house_id=house_id, position=i, key=f"houses/e{i}.jpg", thumb_key=f"houses/et{i}.jpg")
              for i in range(2)]
    db.session.add_all(photos)
    db.session.commit()
    ids = [photo.id for photo in photos]
    login(client, host.id)
    page = html(client.get(f"/my/houses/{house_id}/edit"))
    assert ">Line one\nLine two</textarea>" in page and ">Quiet</textarea>" in page
    assert 'name="check_in_time" type="time" value="16:00"' in page
    assert 'name="check_out_time" type="time" value="12:00"' in page
    assert [f'data-image-id="{i}"' in page for i in ids] == [True, True]
    assert "js/houses/photos.js" in page
    assert_no_inline_code(page)


def test_the_booking_page_of_an_unpublished_home_is_a_404(client, user):
    house_id = make_house(published=False).id
    login(client, user["id"])
    assert client.get(f"/houses/{house_id}/book").status_code == 404
    shown = make_house().id
    assert client.get(f"/houses/{shown}/book").status_code == 200
