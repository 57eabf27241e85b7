"""``iam-redshift render`` and ``iam-redshift init``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from iam_redshift.errors import UsageError

if TYPE_CHECKING:
    from iam_redshift.cli._base import Streams
    from iam_redshift.model import Setup
    from iam_redshift.render import Bundle

#: The example setup shipped with the package: the source page's own names.
EXAMPLE_NAME = "matillion.toml"
#: The example ``init --profile`` writes for each profile.
PROFILE_EXAMPLES = {"seed": EXAMPLE_NAME, "least-privilege": "least-privilege.toml"}
#: What ``render --format`` offers: the bundle itself, or a deployable template of it.
RENDER_FORMATS = ("json", "cloudformation", "terraform")


def example_setup_text(profile: str = "seed", *, as_json: bool = False) -> str:
    """The example setup of ``profile`` (``examples/matillion.toml`` for the seed), as shipped
    inside the package; with ``as_json``, the same keys as a JSON setup file (TOML's comments
    have no place in JSON)."""
    name = PROFILE_EXAMPLES[profile]
    from iam_redshift._schemas import PACKAGE_DATA

    text = (PACKAGE_DATA / "examples" / name).read_text(encoding="utf-8")
    if not as_json:
        return text
    from iam_redshift.setup_file import parse_mapping

    return json.dumps(parse_mapping(text.encode("utf-8"), source=name), indent=2) + "\n"


#: ``render`` in the command list (the first line) and its ``--help``.
RENDER_HELP = """
render the policy documents of a setup file

Render the IAM policy documents of a setup file (TOML or JSON). Without -o, print the whole bundle
as one JSON object (file path to content); with -o DIR, write DIR/iam-redshift.json and one folder
per role. --format cloudformation or terraform renders the same documents as a deployable template
instead: printed, or written to DIR/iam-redshift.cfn.json or DIR/iam-redshift.tf.json.
"""

#: ``init`` in the command list (the first line) and its ``--help``.
INIT_HELP = """
write an example setup file to edit

Write an example setup to PATH for you to edit: TOML, or JSON when PATH ends in .json. --profile
seed (the default) is the source page's setup; --profile least-privilege scopes every role to the
cluster or workgroup it reaches.
"""


def register(commands: Any) -> None:
    """Add ``render`` and ``init`` to the subcommands."""
    from iam_redshift.cli._base import add_command

    render = add_command(commands, "render", run_render, RENDER_HELP)
    render.add_argument("setup", metavar="SETUP", help="setup file (TOML or JSON), or - for stdin")
    render.add_argument("-o", "--output", metavar="DIR", help="write the output into DIR")
    render.add_argument(
        "--format",
        choices=RENDER_FORMATS,
        default="json",
        help="json: the policy documents and their manifest; cloudformation: a CloudFormation "
        "template; terraform: a Terraform JSON configuration (default: %(default)s)",
    )
    render.add_argument(
        "--force",
        action="store_true",
        help="overwrite files in DIR that an earlier render did not write",
    )

    init = add_command(commands, "init", run_init, INIT_HELP)
    init.add_argument(
        "path",
        metavar="PATH",
        nargs="?",
        default="iam-redshift.toml",
        help="where to write it (default: %(default)s)",
    )
    init.add_argument(
        "--profile",
        choices=tuple(PROFILE_EXAMPLES),
        default="seed",
        help="which example to write (default: %(default)s)",
    )
    init.add_argument("--force", action="store_true", help="overwrite PATH if it exists")


def read_setup(argument: str, streams: Streams) -> Setup:
    """The setup named on the command line: a file, or ``-`` for stdin."""
    from iam_redshift.setup_file import MAX_SETUP_BYTES, load_setup, parse_setup

    if argument == "-":
        data = streams.stdin.read(MAX_SETUP_BYTES + 1)
        if len(data) > MAX_SETUP_BYTES:
            raise UsageError("<stdin>", f"larger than {MAX_SETUP_BYTES} bytes; not a setup file")
        return parse_setup(data, source="<stdin>")
    return load_setup(argument)


def _deployable(bundle: Bundle, output_format: str) -> tuple[str, str]:
    """The file name and text of a deployable rendering of ``bundle``. The CloudFormation and
    Terraform modules are imported only here, so a plain render never loads them."""
    if output_format == "cloudformation":
        from iam_redshift.render import cloudformation

        return cloudformation.FILE_NAME, cloudformation.dump_template(bundle)
    from iam_redshift.render import terraform

    return terraform.FILE_NAME, terraform.dump_configuration(bundle)


def run_render(arguments: argparse.Namespace, streams: Streams) -> int:
    """Render a setup to stdout or into a directory, as a bundle or a deployable template."""
    from iam_redshift.bundle_io import write_files, write_generated_file
    from iam_redshift.render import render_bundle

    setup = read_setup(arguments.setup, streams)
    bundle = render_bundle(setup)
    if arguments.format != "json":
        name, text = _deployable(bundle, arguments.format)
        if arguments.output is None:
            streams.stdout.write(text)
            return 0
        written = write_generated_file(text, arguments.output, name, force=arguments.force)
        streams.stdout.write(f"wrote {written}\n")
        return 0
    if arguments.output is None:
        streams.stdout.write(bundle.to_json())
        return 0
    _check_folder_names(setup, "<stdin>" if arguments.setup == "-" else arguments.setup)
    written_files = write_files(bundle.files(), arguments.output, force=arguments.force)
    streams.stdout.write(f"wrote {len(written_files)} files to {arguments.output}\n")
    return 0


def _check_folder_names(setup: Setup, source: str) -> None:
    """A setup error, naming the key, for a role whose folder would clash with the manifest."""
    from iam_redshift.errors import SetupFileError
    from iam_redshift.model import SetupError
    from iam_redshift.render.bundle import check_folder_names

    try:
        check_folder_names(setup)
    except SetupError as error:
        raise SetupFileError(source, str(error)) from None


def run_init(arguments: argparse.Namespace, streams: Streams) -> int:
    """Write the example setup file."""
    from iam_redshift.bundle_io import write_text_atomically

    target = Path(arguments.path)
    if target.exists() and not arguments.force:
        raise UsageError(arguments.path, "already exists (use --force to overwrite it)")
    as_json = target.name.lower().endswith(".json")
    write_text_atomically(target, example_setup_text(arguments.profile, as_json=as_json))
    streams.stdout.write(
        f"wrote {arguments.path}; edit it, then run: iam-redshift render {arguments.path}\n"
    )
    return 0
