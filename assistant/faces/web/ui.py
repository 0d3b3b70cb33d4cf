"""The Gradio chat (tab 问答) and library (tab 资料库): a face of the Assistant, nothing more.

Every handler calls the Assistant; errors become Gradio messages (gr.Error /
gr.Warning), never tracebacks.
"""

from __future__ import annotations

import functools
import html
import inspect
import logging
import os
import tempfile
from pathlib import Path

import gradio as gr
from pydantic import ValidationError

from assistant.types import Answer, FilterSpec, reading_link
from assistant.uploads import Upload
from assistant.faces.web.render import answer_html, backend_label, question_html, text_html
from vectorstore.errors import PolicyQAError, public_message
from vectorstore.readers.registry import SUPPORTED_SUFFIXES, accepted

log = logging.getLogger(__name__)

EXAMPLES = ["什么是“四千精神”？", "什么是五皮精神？", "安阳一季度签约项目开工率是多少？", "怎样优化营商环境？"]
UPLOAD_TYPES = list(SUPPORTED_SUFFIXES)
SPEECH_COLUMNS = ["编号", "标题/会议", "讲话人", "日期", "地点", "段落数", "知识库", "文件"]
LIBRARY_PAGE = 50  # speeches a page of the library lists (the speech pickers offer the same ones)


def friendly(handler):
    """Turn our errors into a message box, and anything else into a short one (logged in full)."""

    def translate(error: Exception):
        if isinstance(error, PolicyQAError):
            return gr.Error(public_message(error))
        if isinstance(error, ValidationError):
            return gr.Error("输入有误：" + "; ".join(e["msg"] for e in error.errors()))
        log.exception("unexpected error in the web UI")
        return gr.Error(f"内部错误（{type(error).__name__}），详情见服务器日志")

    if inspect.isgeneratorfunction(handler):
        @functools.wraps(handler)
        def stream(*args, **kwargs):
            try:
                yield from handler(*args, **kwargs)
            except gr.Error:
                raise
            except Exception as error:
                raise translate(error) from None
        return stream

    @functools.wraps(handler)
    def call(*args, **kwargs):
        try:
            return handler(*args, **kwargs)
        except gr.Error:
            raise
        except Exception as error:
            raise translate(error) from None
    return call


class Handlers:
    """What the UI's events do, each through the Assistant."""

    def __init__(self, assistant, keys=None):
        self.assistant = assistant
        self.keys = keys  # assistant.access.KeyStore, or None: open access

    def principal(self, request: gr.Request | None):
        """Who sends an event: the access gate's rule applied to its key or session cookie."""
        from starlette.datastructures import Headers

        from assistant.access import Principal
        from assistant.faces.web.auth import principal_of

        if self.keys is None or not self.keys.configured:
            return Principal.open()
        headers = Headers(headers=dict(request.headers)) if request is not None else Headers()
        return principal_of(headers, self.keys)

    def require(self, request: gr.Request | None, action) -> str:
        """The name of who may do ``action``; a message instead of the change when the role may not."""
        from assistant.access import refusal_for

        principal = self.principal(request)
        if principal is None or not principal.role.may(action):
            raise gr.Error("没有权限：" + (refusal_for(action, principal.role) if principal else "请先登录"))
        return principal.name

    def seen(self, request: gr.Request | None, asked=()):
        """The assistant as this event's key may see it (assistant/access/rules.py seen_by)."""
        from assistant.access import seen_by

        principal = self.principal(request)
        if principal is None:
            raise gr.Error("请先登录")
        return seen_by(self.assistant, principal, asked)

    def library_controls(self, request: gr.Request):
        """Upload and delete are shown to whom may change the collection (the server checks anyway)."""
        from assistant.access import Action

        principal = self.principal(request)
        return gr.Row(visible=principal is not None and principal.role.may(Action.CHANGE))

    # -- chat --------------------------------------------------------------
    def respond(self, question, chat, turns, speech_ids, speaker, date_from, date_to, collections,
                request: gr.Request):
        question = (question or "").strip()
        if not question:
            raise gr.Error("请输入问题")
        filters = FilterSpec(speech_ids=tuple(speech_ids or ()), speaker=speaker or None,
                             date_from=date_from or None, date_to=date_to or None).to_search_filters()
        chat = list(chat or []) + [{"role": "user", "content": question_html(question)},
                                   {"role": "assistant", "content": ""}]
        streamed = ""
        for item in self.seen(request, collections or ()).stream(question, list(turns or []), filters):
            if isinstance(item, Answer):
                chat[-1] = {"role": "assistant", "content": answer_html(item)}
                turns = list(turns or []) + [{"role": "user", "content": question},
                                             {"role": "assistant", "content": item.text}]
                yield "", chat, turns, export_file(item)
            else:
                streamed += item
                chat[-1] = {"role": "assistant", "content": text_html(streamed)}  # speech text is never HTML
                yield "", chat, turns, gr.skip()

    # -- library -----------------------------------------------------------
    def speech_rows(self, speeches) -> list[list]:
        return [[s.id, s.title or s.meeting or "", s.speaker or "", s.date or "", "、".join(s.places[:4]),
                 s.chunk_count, s.collection, s.source] for s in speeches]

    def choices(self, shown, everything):
        """The speeches to pick from (those ``shown``), and every speaker."""
        ids = [(f"{s.title or s.meeting or s.source}（{s.id}）", s.id) for s in shown]
        speakers = [("全部讲话人", "")] + [(name, name) for name in sorted({s.speaker for s in everything if s.speaker})]
        return ids, speakers

    def refreshed(self, request: gr.Request, message: str = "", offset: int = 0, selected=()):
        """What the page lists, as this key may see it (nothing is listed before the page loads): a page of
        LIBRARY_PAGE speeches from ``offset``; the chat's speech filter also keeps the ``selected`` ones."""
        everything = self.seen(request).speeches()
        offset = page_start(offset, len(everything))
        page, chosen = everything[offset:offset + LIBRARY_PAGE], set(selected or ())
        kept = [s for s in everything if s.id in chosen and s not in page]
        ids, speakers = self.choices(page, everything)
        filter_ids, _ = self.choices(kept + page, ())
        return (self.speech_rows(page), message, gr.Dropdown(choices=ids, value=None),
                gr.Dropdown(choices=filter_ids), gr.Dropdown(choices=speakers),  # filters keep their values
                gr.Dropdown(choices=sorted({s.collection for s in everything})), offset,
                page_label(offset, len(page), len(everything)), gr.Dropdown(choices=ids, value=None))

    def loaded(self, request: gr.Request):
        """The first page, and to whom may change the library, what the start did about unfinished uploads."""
        from assistant.access import Action

        principal = self.principal(request)
        notices = self.assistant.notices if principal is not None and principal.role.may(Action.CHANGE) else []
        return self.refreshed(request, "\n".join(["上次停止时未完成的上传："] + [f"- {n}" for n in notices]) if notices else "")

    def earlier(self, offset, selected, request: gr.Request):
        return self.refreshed(request, "", int(offset or 0) - LIBRARY_PAGE, selected)

    def later(self, offset, selected, request: gr.Request):
        return self.refreshed(request, "", int(offset or 0) + LIBRARY_PAGE, selected)

    def upload(self, files, collection, offset, selected, request: gr.Request, progress=gr.Progress(track_tqdm=True)):
        from assistant.access import Action, checked_change

        actor = self.require(request, Action.CHANGE)
        collection = (collection or "").strip() or None
        checked_change(self.assistant, self.principal(request), collection=collection or "默认")
        if not files:
            raise gr.Error(f"请先选择要上传的文件（{accepted()}）")
        progress(0, desc="读取文件")
        uploads = [Upload(name=Path(f).name, content=Path(f).read_bytes()) for f in map(uploaded_path, files)]
        outcome = self.assistant.add_files(uploads, progress=True, actor=actor, collection=collection)
        lines = [f"导入完成：新增 {len(outcome.added)}，更新 {len(outcome.updated)}，"
                 f"未变 {len(outcome.unchanged)}，嵌入 {outcome.chunks_embedded} 个段落。"]
        lines += [f"- 跳过 {what}：{why}" for what, why in outcome.skipped]
        return self.refreshed(request, "\n".join(lines), offset, selected)

    def delete(self, speech_id, offset, selected, request: gr.Request):
        from assistant.access import Action, checked_change

        actor = self.require(request, Action.CHANGE)
        if not speech_id:
            raise gr.Error("请先在下拉框中选择要删除的讲话")
        checked_change(self.assistant, self.principal(request), speech_id)
        self.seen(request).outline(speech_id)  # a speech this key cannot see is not found
        self.assistant.delete_speech(speech_id, actor=actor)
        return self.refreshed(request, f"已删除 {speech_id}", offset, selected)

    # -- outline -----------------------------------------------------------
    def outline(self, speech_id, request: gr.Request) -> str:
        """The picked speech's outline as nested <details> (nothing picked: nothing shown)."""
        return outline_html(self.seen(request).outline(speech_id)) if speech_id else ""


def outline_html(outline) -> str:
    """A SpeechOutline as collapsible HTML; every speech text is escaped."""
    link = html.escape(reading_link(outline.speech.id))
    head = (f'<div style="font-weight:600;margin-bottom:4px">{html.escape(outline.header)} · '
            f'<a class="read-original" href="{link}" target="_blank">阅读全文</a></div>')
    body = "".join(map(_outline_node_html, outline.nodes)) or "<div>这篇讲话没有识别出分级标题。</div>"
    return f'<div class="speech-outline">{head}{body}</div>'


def _outline_node_html(node) -> str:
    label = (f'{html.escape(node.heading)} <span style="color:#6a737d;font-size:0.85em">'
             f"[{node.start}:{node.end}]</span>")
    if not node.children:
        return f'<div style="margin:2px 0 2px 1.1em">{label}</div>'
    inner = "".join(map(_outline_node_html, node.children))
    opened = " open" if node.level == 1 else ""
    return f'<details{opened} style="margin:2px 0 2px 0.6em"><summary>{label}</summary>{inner}</details>'


def page_start(offset, total: int) -> int:
    """``offset`` as the start of a page that lists something (the last page when past the end)."""
    return max(0, min(int(offset or 0), (total - 1) // LIBRARY_PAGE * LIBRARY_PAGE))


def page_label(offset: int, shown: int, total: int) -> str:
    if not total:
        return "还没有收录讲话"
    return f"第 {offset + 1}–{offset + shown} 篇，共 {total} 篇"


def uploaded_path(path: str) -> str:
    """A file handed to the upload event must lie in Gradio's upload folder: it came through an upload."""
    from gradio.utils import get_upload_folder

    folder = os.path.realpath(get_upload_folder())
    real = os.path.realpath(path)
    if os.path.commonpath([folder, real]) != folder:
        log.warning("refused a file that did not come through an upload: %s", path)
        raise gr.Error("只能导入通过本页面上传的文件")
    return real


def export_file(answer: Answer) -> str:
    """The answer as a Markdown file for the download button."""
    folder = Path(tempfile.gettempdir()) / "policyqa-exports"
    folder.mkdir(exist_ok=True)
    handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".md", prefix="answer-",
                                         dir=folder, delete=False)
    with handle:
        handle.write(answer.to_markdown())
    return handle.name


def build_ui(assistant, model_name: str | None = None, keys=None) -> gr.Blocks:
    """The page holds no speech, speaker or collection until it loads: each visitor's key decides what it lists."""
    handlers = Handlers(assistant, keys)
    with gr.Blocks(title="policy-qa 政策讲话问答", analytics_enabled=False) as ui:
        gr.Markdown("## 政策讲话问答\n回答只依据已收录的讲话，每句都附原文出处；资料里没有的，直接说没有。")
        gr.Markdown(f"**回答方式：** {backend_label(assistant.backend, model_name)}", elem_id="backend")
        with gr.Tab("问答"):
            filters = chat_tab(handlers)
        with gr.Tab("资料库"):
            library, controls = library_tab(handlers, filters)
        ui.load(friendly(handlers.loaded), None, library, api_name="refreshed")  # the index as it is now
        ui.load(handlers.library_controls, None, controls)
    return ui


def chat_tab(handlers: Handlers) -> tuple:
    """The chat; returns its speech, speaker and collection filters (the library tab refreshes their choices)."""
    turns = gr.State([])
    with gr.Row():
        with gr.Column(scale=3):
            chat = gr.Chatbot(label="对话", height=600, elem_id="chat", buttons=["copy", "copy_all"],
                              feedback_options=None, placeholder="问一个关于讲话内容的问题")
            with gr.Row():
                question = gr.Textbox(show_label=False, placeholder="例如：什么是“四千精神”？", scale=5,
                                      elem_id="question")
                send = gr.Button("提问", variant="primary", scale=1, elem_id="send")
            gr.Examples(EXAMPLES, inputs=question, label="示例问题")
            with gr.Row():
                clear = gr.Button("清空对话", size="sm")
                export = gr.DownloadButton("导出回答（Markdown，含引文）", size="sm", elem_id="export")
        with gr.Column(scale=1, min_width=240):
            gr.Markdown("#### 筛选范围")
            collection_filter = gr.Dropdown(choices=[], value=[], multiselect=True, label="知识库（不选 = 全部）",
                                            elem_id="collection-filter")
            speech_filter = gr.Dropdown(choices=[], value=[], multiselect=True, label="讲话（不选 = 全部；可选资料库当前页的讲话）",
                                        elem_id="speech-filter")
            speaker_filter = gr.Dropdown(choices=[("全部讲话人", "")], value="", label="讲话人", elem_id="speaker-filter")
            date_from = gr.Textbox(label="起始日期", placeholder="2024 或 2024-05")
            date_to = gr.Textbox(label="截止日期", placeholder="2024-12-31")
    inputs = [question, chat, turns, speech_filter, speaker_filter, date_from, date_to, collection_filter]
    outputs = [question, chat, turns, export]
    respond = friendly(handlers.respond)
    send.click(respond, inputs, outputs)
    question.submit(respond, inputs, outputs)
    clear.click(lambda: ([], [], None), None, [chat, turns, export])
    return speech_filter, speaker_filter, collection_filter


def library_tab(handlers: Handlers, filters: tuple) -> tuple[list, object]:
    """The speech table, upload (into a collection) and delete; returns the components a refresh updates."""
    table = gr.Dataframe(value=[], headers=SPEECH_COLUMNS, interactive=False,
                         label="已收录的讲话", elem_id="speeches", wrap=True)
    offset = gr.State(0)
    with gr.Row(elem_id="speeches-pager"):
        earlier = gr.Button("上一页", size="sm", elem_id="speeches-earlier")
        shown = gr.Markdown(elem_id="speeches-page")
        later = gr.Button("下一页", size="sm", elem_id="speeches-later")
    with gr.Row(elem_id="library-controls") as controls:
        with gr.Column():
            files = gr.File(label=f"上传讲话（{accepted()}；扫描件和图片会做文字识别）", file_count="multiple", file_types=UPLOAD_TYPES,
                            elem_id="upload")
            target = gr.Textbox(label="导入到知识库（空 = 默认）", placeholder="例如：政府工作报告", elem_id="upload-collection")
            upload = gr.Button("导入并建立索引", variant="primary")
        with gr.Column():
            to_delete = gr.Dropdown(choices=[], value=None, label="选择要删除的讲话", elem_id="to-delete")
            delete = gr.Button("删除所选讲话", variant="stop")
    message = gr.Markdown(elem_id="library-message")
    speech_filter, speaker_filter, collection_filter = filters
    picker = outline_view(handlers)
    outputs = [table, message, to_delete, speech_filter, speaker_filter, collection_filter, offset, shown, picker]
    upload.click(friendly(handlers.upload), [files, target, offset, speech_filter], outputs).then(lambda: None, None, files)
    delete.click(friendly(handlers.delete), [to_delete, offset, speech_filter], outputs)
    earlier.click(friendly(handlers.earlier), [offset, speech_filter], outputs)
    later.click(friendly(handlers.later), [offset, speech_filter], outputs)
    return outputs, controls


def outline_view(handlers: Handlers):
    """A speech picker and its collapsible outline; returns the picker (a refresh sets its choices)."""
    with gr.Accordion("讲话提纲（分级标题）", open=False, elem_id="outline-view"):
        picker = gr.Dropdown(choices=[], value=None, label="选择讲话", elem_id="outline-speech")
        view = gr.HTML(elem_id="outline")
    picker.change(friendly(handlers.outline), picker, view)
    return picker
