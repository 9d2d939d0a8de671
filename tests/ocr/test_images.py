from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ocr import images
from synthetic.files import photograph, speckle, to_fax


def test_normal_fax_pixels_become_square(page: Image.Image) -> None:
    fax = to_fax(page, fine=False)  # 204x98 dpi: every pixel twice as tall as wide
    squared = images.square_pixels(fax, 204, 98)
    assert squared.dpi == 204
    assert squared.bilevel
    assert squared.image.width == fax.width
    assert squared.image.height == pytest.approx(fax.height * 204 / 98, abs=1)


def test_fine_fax_is_nearly_square_already(page: Image.Image) -> None:
    fax = to_fax(page, fine=True)
    squared = images.square_pixels(fax, 204, 196)
    assert squared.image.height == pytest.approx(fax.height * 204 / 196, abs=1)


@pytest.mark.parametrize("angle", [-4.0, -1.5, 2.0, 4.5])
def test_skew_is_measured(page: Image.Image, angle: float) -> None:
    tilted = page.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    assert images.estimate_skew(tilted) == pytest.approx(angle, abs=0.3)


def test_level_page_is_not_rotated(page: Image.Image) -> None:
    assert images.deskew(page) is page


def test_isolated_specks_are_removed_and_text_kept(page: Image.Image) -> None:
    dusty = speckle(page, dots=800, seed=3)
    cleaned = images.remove_speckle(dusty)
    ink_before = (np.asarray(page) < 128).sum()
    ink_after = (np.asarray(cleaned) < 128).sum()
    assert (np.asarray(dusty) < 128).sum() > ink_before + 700
    assert ink_after == pytest.approx(ink_before, rel=0.01)


def test_white_page_background_is_left_alone(page: Image.Image) -> None:
    assert images.even_background(page) is page


def test_uneven_photo_background_is_flattened(page: Image.Image) -> None:
    photo = photograph(page, angle=0.0).convert("L")
    flat = np.asarray(images.even_background(photo))
    corners = [flat[40, 40], flat[40, -40], flat[-40, 40], flat[-40, -40]]
    assert min(corners) > 220


@pytest.mark.parametrize("clockwise", [90, 180, 270])
def test_rotate_upright_undoes_a_turn(page: Image.Image, clockwise: int) -> None:
    turned = page.rotate(clockwise, expand=True)  # Pillow turns counter-clockwise
    upright = images.rotate_upright(images.PageImage(turned, 300, False), clockwise)
    assert np.array_equal(np.asarray(upright.image), np.asarray(page))


def test_clean_scan_is_binarised_and_photo_stays_grey(page: Image.Image) -> None:
    scan = images.clean(images.PageImage(page, 300, False))
    assert scan.bilevel
    assert set(np.unique(np.asarray(scan.image))) <= {0, 255}
    with_photo = page.copy()  # an insurance card copy: a grey picture on the page
    with_photo.paste(Image.effect_noise((1500, 1200), 40), (500, 1500))
    assert not images.clean(images.PageImage(with_photo, 300, False)).bilevel


def test_blank_page_survives_cleaning() -> None:
    blank = images.clean(images.PageImage(Image.new("L", (850, 1100), 255), 100, False))
    assert images.ink_share(blank.image) == 0.0


def test_phone_resolution_is_estimated_from_the_page_size(
    tmp_path: Path, page: Image.Image
) -> None:
    path = tmp_path / "phone.png"
    page.save(path, dpi=(72, 72))  # what phones write: a 35-inch page, not believable
    with Image.open(path) as source:
        loaded = images.load_frame(source, 0, name="phone.png", max_pixels=10**9)
    assert loaded.dpi == 300


def test_transparent_background_is_white_paper(page: Image.Image) -> None:
    ink = Image.new("RGBA", page.size, (0, 0, 0, 0))
    ink.putalpha(page.point(lambda v: 255 - v))  # black text on a transparent sheet
    squared = images.square_pixels(ink, 300, 300)
    assert images.ink_share(squared.image) == pytest.approx(images.ink_share(page), abs=0.002)


def test_sideways_page_is_not_deskewed_until_upright(page: Image.Image) -> None:
    sideways = page.rotate(2.0, resample=Image.Resampling.BICUBIC, fillcolor=255).rotate(
        90, expand=True
    )
    assert images.estimate_skew(sideways) == 0.0
    upright = images.rotate_upright(images.PageImage(sideways, 300, False), 90)
    assert images.estimate_skew(upright.image) == pytest.approx(0.0, abs=0.3)


def test_remove_speckle_clears_exactly_the_ink_pixels_without_an_ink_neighbour() -> None:
    rng = np.random.default_rng(5)
    pixels = np.where(rng.random((60, 80)) < 0.08, 0, 255).astype(np.uint8)
    ink = np.pad(pixels < images.INK_LEVEL, 1)
    neighbours = sum(
        ink[1 + dy : 61 + dy, 1 + dx : 81 + dx].astype(int)
        for dy in (-1, 0, 1)
        for dx in (-1, 0, 1)
        if dy or dx
    )
    expected = np.where((pixels < images.INK_LEVEL) & (neighbours == 0), 255, pixels)
    cleaned = np.asarray(images.remove_speckle(Image.fromarray(pixels)))
    assert (cleaned == expected).all()
    assert (cleaned != pixels).any() and (cleaned < images.INK_LEVEL).any()


def test_a_black_and_white_page_is_stored_as_a_1_bit_png_with_its_pixels() -> None:
    pixels = np.where(np.random.default_rng(6).random((40, 50)) < 0.3, 0, 255).astype(np.uint8)
    png = images.png_bytes(images.PageImage(Image.fromarray(pixels), 300, bilevel=True))
    with Image.open(io.BytesIO(png)) as stored:
        assert stored.mode == "1"
        assert (np.asarray(stored.convert("L")) == pixels).all()
